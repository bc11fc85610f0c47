/**
 * Checks a REST response against the API's contract (http/openapi/operations.ts): a success status
 * the operation documents, a body its schema accepts (unknown fields fail: resources are strict),
 * and `{"error":{code,message}}` for every error. The test control-plane's `api()` checks every
 * response with it, so each API test is a contract test too.
 */
import type { z } from 'zod';
import { OPERATIONS, type Operation } from '../http/openapi/operations.ts';
import { ErrorBody } from '../http/openapi/resources.ts';
import { compileRouteTable } from '../http/route-match.ts';

const operationOf = compileRouteTable<Operation>(OPERATIONS);

/** Throws, naming the operation and what differs, when `body` (status `status`) breaks the contract of `method path`. */
export function checkApiResponse(method: string, path: string, status: number, body: unknown): void {
  const pathname = path.split('?')[0]!;
  const op = operationOf(method, pathname);
  if (op === undefined) return; // not an operation (an unknown path's 404 is checked below)
  const where = `${op.method} ${op.path} → ${status}`;
  if (status >= 400) {
    const parsed = ErrorBody.safeParse(body);
    if (!parsed.success) throw new Error(`API contract: ${where}: not an error body: ${parsed.error.message}`);
    return;
  }
  const documented = op.responses[status];
  if (documented === undefined) throw new Error(`API contract: ${where}: status not documented (documented: ${Object.keys(op.responses).join(', ')})`);
  if (documented === null) {
    if (body !== undefined) throw new Error(`API contract: ${where}: documented without a body, got one`);
    return;
  }
  if ('mediaType' in documented) return;
  const parsed = (documented as z.ZodType).safeParse(body);
  if (!parsed.success) throw new Error(`API contract: ${where}: body does not match its schema: ${parsed.error.message}`);
}

/** Throws, naming the operation and the event, when an event `event` of the stream `method path` breaks its documented `data` schema. */
export function checkApiEvent(method: string, path: string, event: string, data: unknown): void {
  const op = operationOf(method, path.split('?')[0]!);
  if (op === undefined) throw new Error(`API contract: ${method} ${path}: not an operation`);
  const stream = Object.values(op.responses).find((r) => r !== null && 'mediaType' in r && r.events !== undefined);
  const schema = stream && 'events' in stream ? stream.events?.[event] : undefined;
  if (schema === undefined) throw new Error(`API contract: ${op.method} ${op.path}: event ${event} not documented`);
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`API contract: ${op.method} ${op.path}: event ${event} does not match its schema: ${parsed.error.message}`);
}
