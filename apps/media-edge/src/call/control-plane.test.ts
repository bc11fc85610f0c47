import { createInProcessBus, Subjects, type RunStartRequest, type StartEvent } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import { createEdgeMetrics } from '../metrics.ts';
import { ControlPlaneClient } from './control-plane.ts';

const START: StartEvent = {
  type: 'start',
  streamId: 'MZ1',
  callId: 'CA1',
  customParameters: {},
  mediaFormat: { encoding: 'mulaw', sampleRate: 8000 },
  metadata: {},
};
const REPLICA = '0123456789ab';
const OK = { ok: true, settings: {} } as const;

function setup() {
  const bus = createInProcessBus();
  const asked: string[] = [];
  const answer = (subject: string) => bus.respond(subject, (d) => (asked.push(`${subject} ${(d as RunStartRequest).run_id}`), OK));
  const cp = new ControlPlaneClient({ bus, edgeId: 'e1', metrics: createEdgeMetrics(), timeoutMs: 500, startTimeoutMs: 500, finalizeAttempts: 1, finalizeBackoffMs: 5 });
  return { bus, asked, answer, cp };
}

describe('ControlPlaneClient.start', () => {
  it('asks the replica that admitted the run, on its own subject', async () => {
    const { asked, answer, cp } = setup();
    answer(Subjects.RunStart);
    answer(Subjects.runStartAt(REPLICA));
    expect(await cp.start('run-1', START, undefined, REPLICA)).toEqual(OK);
    expect(asked).toEqual([`${Subjects.runStartAt(REPLICA)} run-1`]);
  });

  it('asks any replica when none is named, or when the named one does not answer (gone)', async () => {
    const { asked, answer, cp } = setup();
    answer(Subjects.RunStart);
    expect(await cp.start('run-1', START)).toEqual(OK);
    expect(await cp.start('run-2', START, undefined, REPLICA)).toEqual(OK);
    expect(asked).toEqual([`${Subjects.RunStart} run-1`, `${Subjects.RunStart} run-2`]);
  });

  it('does not ask again elsewhere when the named replica fails the request', async () => {
    const { bus, asked, answer, cp } = setup();
    answer(Subjects.RunStart);
    bus.respond(Subjects.runStartAt(REPLICA), () => {
      throw new Error('database unavailable');
    });
    await expect(cp.start('run-1', START, undefined, REPLICA)).rejects.toThrow();
    expect(asked).toEqual([]);
  });
});
