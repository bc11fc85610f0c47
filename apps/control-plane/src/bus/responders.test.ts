import { BusError, BusErrorCode, createInProcessBus, StreamError, StreamErrorCode, Subjects, type Bus } from '@vr3/protocol';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlPlaneContext } from '../context.ts';
import { isRequesterFault, startResponders, type Responders } from './responders.ts';

interface LogLine {
  level: number;
  msg: string;
  subject?: string;
  code?: string;
  err?: { stack?: string };
}
const WARN = 40;
const ERROR = 50;

let bus: Bus;
let lines: LogLine[];
let responders: Responders;

beforeEach(() => {
  bus = createInProcessBus();
  lines = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as LogLine); } });
  // Only what the handlers reach before failing: the bus, the logger, and a database client that
  // cannot be used (a failure of this replica, not of the requester).
  responders = startResponders({ bus, logger, prisma: {} } as unknown as ControlPlaneContext);
});
afterEach(async () => {
  await responders.close();
  await bus.close();
});

/** The remote code of the request's failure. */
async function failureCode(subject: string, data: unknown): Promise<unknown> {
  const err = await bus.request(subject, data, { timeoutMs: 5_000 }).then(
    () => expect.unreachable('answered'),
    (e: unknown) => e as BusError,
  );
  expect(err).toMatchObject({ code: BusErrorCode.Remote });
  return (err.cause as { code?: unknown } | undefined)?.code;
}

const failures = () => lines.filter((l) => l.level >= WARN);

describe('bus responder failures', () => {
  it('a malformed message is the requester’s fault: logged once at warn, with its code and no stack', async () => {
    expect(await failureCode(Subjects.RunEvents, { run_id: 'r', events: 'not a list' })).toBe(BusErrorCode.BadMessage);
    expect(failures()).toEqual([expect.objectContaining({ level: WARN, msg: 'bus request refused', subject: Subjects.RunEvents, code: BusErrorCode.BadMessage })]);
    expect(failures()[0]).not.toHaveProperty('err');
  });

  it('text the database cannot store is the requester’s fault too (malformed_handshake): warn, no stack', async () => {
    const admit = { edge_id: 'edge-1', provider: 'cloudonix', agent_uuid: 'a', query: { from: '+1\u0000' } };
    expect(await failureCode(Subjects.StreamAdmit, admit)).toBe(StreamErrorCode.MalformedHandshake);
    expect(failures()).toEqual([expect.objectContaining({ level: WARN, msg: 'bus request refused', subject: Subjects.StreamAdmit, code: StreamErrorCode.MalformedHandshake })]);
    expect(failures()[0]).not.toHaveProperty('err');
  });

  it('a failure of the replica (its database) stays an error, with its stack', async () => {
    const finalize = { run_id: 'r', edge_id: 'edge-1', state: 'completed', end_reason: 'caller_hangup' };
    await failureCode(Subjects.RunFinalize, finalize);
    expect(failures()).toEqual([expect.objectContaining({ level: ERROR, msg: 'bus request failed', subject: Subjects.RunFinalize })]);
    expect(failures()[0]!.err?.stack).toMatch(/^Error: .*\n\s+at /);
  });

  it('isRequesterFault: only bus_bad_message and malformed_handshake', () => {
    expect(isRequesterFault(new BusError(BusErrorCode.BadMessage, 'x'))).toBe(true);
    expect(isRequesterFault(new StreamError(StreamErrorCode.MalformedHandshake, 'x'))).toBe(true);
    expect(isRequesterFault(new BusError(BusErrorCode.Timeout, 'x'))).toBe(false);
    expect(isRequesterFault(new StreamError(StreamErrorCode.Internal, 'x'))).toBe(false);
    expect(isRequesterFault(new Error('x'))).toBe(false);
  });
});
