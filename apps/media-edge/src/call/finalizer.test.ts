import { createInProcessBus, Subjects, type RunFinalizeRequest } from '@vr3/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { callOutcome } from '../errors.ts';
import { createEdgeMetrics } from '../metrics.ts';
import { ControlPlaneClient } from './control-plane.ts';
import { RunFinalizer } from './finalizer.ts';

const stats = { audio_in_ms: 0, audio_out_ms: 0, frames_in: 0, frames_out: 0, frames_dropped: 0 };

function setup() {
  const bus = createInProcessBus();
  const seen: RunFinalizeRequest[] = [];
  bus.respond(Subjects.RunFinalize, (d) => (seen.push(d as RunFinalizeRequest), { ok: true, already_final: false }));
  const cp = new ControlPlaneClient({ bus, edgeId: 'e1', metrics: createEdgeMetrics(), timeoutMs: 500, startTimeoutMs: 500, finalizeAttempts: 3, finalizeBackoffMs: 5 });
  const logger = pino({ level: 'silent' });
  const finalizer = new RunFinalizer(cp, () => stats, () => logger);
  return { seen, finalizer };
}

describe('RunFinalizer', () => {
  it('finalizes once when the outcome comes first', async () => {
    const { seen, finalizer } = setup();
    finalizer.decide(callOutcome('caller_hangup'));
    finalizer.decide(callOutcome('agent_error'));
    expect(seen).toHaveLength(0);
    finalizer.admissionSettled('run-1');
    finalizer.admissionSettled('run-2');
    await finalizer.done;
    expect(seen).toEqual([{ run_id: 'run-1', edge_id: 'e1', state: 'completed', end_reason: 'caller_hangup', stats }]);
  });

  it('finalizes once when the admission comes first', async () => {
    const { seen, finalizer } = setup();
    finalizer.admissionSettled('run-1');
    finalizer.decide(callOutcome('agent_error', { error: 'agent_error' }));
    finalizer.decide(callOutcome('caller_hangup'));
    await finalizer.done;
    expect(seen).toEqual([expect.objectContaining({ state: 'failed', end_reason: 'agent_error', error: 'agent_error' })]);
  });

  it("carries how the socket closed, when the call knows it", async () => {
    const { seen, finalizer } = setup();
    finalizer.decide(callOutcome('stream_closed', { socketClosed: true }), { code: 1000, reason: 'bye', initiator: 'peer' });
    finalizer.admissionSettled('run-1');
    await finalizer.done;
    expect(seen[0]?.close).toEqual({ code: 1000, reason: 'bye', initiator: 'peer' });
  });

  it('sends nothing without a run', async () => {
    const { seen, finalizer } = setup();
    finalizer.admissionSettled(null);
    finalizer.decide(callOutcome('caller_hangup'));
    await finalizer.done;
    expect(seen).toHaveLength(0);
  });
});
