/**
 * The OpenAPI 3.1 document of the REST API, built from the operation table (operations.ts): request
 * bodies and query parameters from the schemas the routes validate with, responses from
 * resources.ts, the least role of each route from ROUTE_ROLES, errors from API_ERRORS. JSON
 * Schema 2020-12 is OpenAPI 3.1's own schema dialect, so zod's conversion is used as is.
 */
import { z } from 'zod';
import { API_ERRORS } from '../../errors.ts';
import { ROUTE_ROLES } from '../roles.ts';
import { OPERATIONS, type Operation, type RawResponse } from './operations.ts';
import { ErrorBody } from './resources.ts';

/** The API's version, as the document states it. */
export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

const isRaw = (value: unknown): value is RawResponse => typeof value === 'object' && value !== null && 'mediaType' in value;

/** `:param` → `{param}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** Named schemas met while converting, merged into `components.schemas`. */
type Components = Record<string, JsonSchema>;

/**
 * A zod schema as JSON Schema: the request side for inputs, the response side for outputs. Schemas
 * with a `meta({id})` become `components.schemas` entries (added to `components`) and `$ref`s.
 */
function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Components): JsonSchema {
  const converted = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  const json = JSON.parse(JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & { $defs?: Components };
  delete json['$schema'];
  for (const [name, def] of Object.entries(json.$defs ?? {})) {
    delete def['id'];
    components[name] = def;
  }
  delete json.$defs;
  // A named schema at the top is a reference too.
  const id = json['id'];
  if (typeof id === 'string') {
    delete json['id'];
    components[id] = json;
    return { $ref: `#/components/schemas/${id}` };
  }
  return json;
}

function parametersOf(op: Operation, components: Components): JsonSchema[] {
  const params: JsonSchema[] = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (op.query) {
    for (const [name, field] of Object.entries(op.query.shape)) {
      const schema = schemaOf(field as z.ZodType, 'input', components);
      const description = (field as z.ZodType).description;
      params.push({ name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema, ...(description ? { description } : {}) });
    }
  }
  return params;
}

/** An event stream's events: each event's JSON `data` schema by event name, as `x-vr3-events` (no OpenAPI 3.1 keyword describes them). */
function eventsOf(body: RawResponse, components: Components): JsonSchema {
  if (body.events === undefined) return {};
  return { 'x-vr3-events': Object.fromEntries(Object.entries(body.events).map(([name, schema]) => [name, schemaOf(schema, 'output', components)])) };
}

function responsesOf(op: Operation, components: Components): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, body] of Object.entries(op.responses)) {
    if (body === null) out[status] = { description: 'no content' };
    else if (isRaw(body)) out[status] = { description: body.description, content: { [body.mediaType]: eventsOf(body, components) } };
    else out[status] = { description: 'success', content: { 'application/json': { schema: schemaOf(body, 'output', components) } } };
  }
  out['default'] = { description: 'an error: `error.code` is one of the documented codes', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return out;
}

function requestBodyOf(op: Operation, components: Components): JsonSchema | undefined {
  if (op.body === undefined) return undefined;
  if (isRaw(op.body)) return { required: false, description: op.body.description, content: { [op.body.mediaType]: { schema: { type: 'object', additionalProperties: { type: 'string' } } } } };
  return { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input', components) } } };
}

/** The least role of an authenticated operation. */
function roleOf(op: Operation): string {
  return ROUTE_ROLES.find((r) => r.method === op.method && r.path === op.path)?.role ?? 'admin';
}

/** Builds the document; `serverUrl` is the API's base (`…/api/v1`), when known. */
export function buildOpenApiDocument(serverUrl: string | null = null): JsonSchema {
  const components: Components = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) {
    const path = openApiPath(op.path);
    const parameters = parametersOf(op, components);
    const requestBody = requestBodyOf(op, components);
    (paths[path] ??= {})[op.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: responsesOf(op, components),
      ...(op.public ? { security: [] } : { 'x-vr3-role': roleOf(op) }),
    };
  }
  schemaOf(ErrorBody, 'output', components);
  const schemas = Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'VR3 Agent Stream API',
      version: API_VERSION,
      description:
        'The admin REST API of VR3 Agent Stream. Authenticate with `Authorization: Bearer <api key>`, or as a signed-in person with the session cookie plus `X-CSRF-Token` on state-changing requests. `x-vr3-role` is the least role an operation needs.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : { servers: [{ url: '/api/v1' }] }),
    security: [{ apiKey: [] }, { session: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (vr3_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'vr3_session', description: 'a signed-in session; send its CSRF token in X-CSRF-Token on POST, PUT, PATCH and DELETE' },
      },
    },
    'x-vr3-error-codes': Object.fromEntries(Object.entries(API_ERRORS).sort(([a], [b]) => a.localeCompare(b))),
  };
}
