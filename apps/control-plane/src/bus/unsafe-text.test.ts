/**
 * Defense in depth: an edge that forwards text PostgreSQL cannot store (NUL, unpaired UTF-16
 * surrogates) in `StreamAdmit` or `RunStart` gets a `malformed_handshake` refusal (the edge closes
 * 4400) before anything is written, instead of a database error (1011). The run of a refused
 * `start` stays untouched until the edge finalizes it, which frees its quota slot.
 */
import { type BusError, Subjects, type RunStartRequest } from '@vr3/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUsage } from '../db/usage.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { admitStream, createAgentStreamFixture, type AgentStreamFixture } from '../testing/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';

let server: TestPostgres;
let cp: TestControlPlane;
let fx: AgentStreamFixture;

beforeAll(async () => {
  server = await startTestPostgres();
  cp = await startTestControlPlane({ databaseUrl: await server.createDatabase() });
  fx = await createAgentStreamFixture(cp, { domain: 'unsafe' });
});
afterAll(async () => {
  await cp?.close();
  await server?.stop();
});

/** The bus failure of a request, or a thrown error if it answered. */
async function refusal(subject: string, data: unknown): Promise<BusError> {
  try {
    await cp.bus.request(subject, data, { timeoutMs: 10_000 });
  } catch (err) {
    return err as BusError;
  }
  throw new Error('the request was answered');
}
const causeCode = (err: BusError) => (err.cause as { code?: unknown } | undefined)?.code;

const startReq = (runId: string, start: Partial<RunStartRequest['start']>): RunStartRequest => ({
  run_id: runId,
  edge_id: 'edge-1',
  start: { stream_id: 'MZ1', custom_parameters: {}, media_format: { encoding: 'mulaw', sampleRate: 8000 }, metadata: {}, ...start },
});

describe('bus requests carrying unsafe text', () => {
  it('StreamAdmit with NUL in the query is refused malformed_handshake and mints no run', async () => {
    const before = await cp.prisma.workflowRun.count();
    const err = await refusal(Subjects.StreamAdmit, { edge_id: 'edge-1', provider: 'cloudonix', agent_uuid: fx.agentUuid, query: { Domain: fx.domain, from: '+1\u0000' } });
    expect(err).toMatchObject({ code: 'bus_remote_error' });
    expect(causeCode(err)).toBe('malformed_handshake');
    expect(await cp.prisma.workflowRun.count()).toBe(before);
  });

  it.each([
    ['a custom parameter', { custom_parameters: { note: 'a\u0000b' } }],
    ['the caller number', { from: '+1\uD800' }],
    ['a metadata key', { metadata: { nested: { 'k\uDC00': 1 } } }],
    ['a metadata value', { metadata: { list: ['ok', 'x\u0000'] } }],
  ])('RunStart with unsafe text in %s is refused malformed_handshake; the edge’s finalize frees the slot', async (_name, start) => {
    const admitted = await admitStream(cp, fx.agentUuid, { Domain: fx.domain });
    if (!admitted.ok) throw new Error(admitted.error.code);
    const runId = admitted.run.id;
    expect((await readUsage(cp.prisma, cp.userId, new Date())).activeCalls).toBe(1);

    const err = await refusal(Subjects.RunStart, startReq(runId, start));
    expect(causeCode(err)).toBe('malformed_handshake');
    // Nothing of `start` was written: the run still awaits it.
    const untouched = await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(untouched.state).toBe('initialized');
    expect((untouched.logs as { inbound_webhook?: { start?: unknown } }).inbound_webhook?.start).toBeUndefined();
    expect(untouched.gatheredContext).toEqual({});

    // What the edge does with the refusal: close 4400 and finalize the run failed.
    await cp.bus.request(Subjects.RunFinalize, { run_id: runId, edge_id: 'edge-1', state: 'failed', end_reason: 'malformed_handshake', error: 'malformed_handshake' }, { timeoutMs: 10_000 });
    expect(await cp.prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ state: 'failed', endReason: 'malformed_handshake' });
    expect((await readUsage(cp.prisma, cp.userId, new Date())).activeCalls).toBe(0);
  });
});
