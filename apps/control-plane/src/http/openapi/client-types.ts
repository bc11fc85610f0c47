/**
 * The console's API types, generated from the OpenAPI document with openapi-typescript into
 * apps/console/src/generated/api.ts (`npm run openapi:types` writes it; a test fails when the
 * checked-in file differs from what the document gives, so the console is always typed from the
 * API it talks to).
 */
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildOpenApiDocument } from './document.ts';

/** Where the generated types live. */
export const CLIENT_TYPES_FILE = fileURLToPath(new URL('../../../../console/src/generated/api.ts', import.meta.url));

const HEADER = `/**
 * The REST API's types, generated from its OpenAPI document (GET /api/v1/openapi.json) by
 * openapi-typescript. Do not edit: run \`npm run openapi:types\`.
 */
`;

/** The TypeScript source of the API's types. */
export async function renderClientTypes(): Promise<string> {
  const ast = await openapiTS(buildOpenApiDocument() as unknown as Parameters<typeof openapiTS>[0], { alphabetize: true, exportType: true });
  return `${HEADER}${astToString(ast)}`;
}
