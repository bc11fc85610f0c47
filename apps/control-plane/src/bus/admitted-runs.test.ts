import { describe, expect, it } from 'vitest';
import type { StartingRun } from '../db/starting-run.ts';
import { AdmittedRuns } from './admitted-runs.ts';

function run(id: string): StartingRun {
  return { id, organizationId: 'org', mode: 'cloudonix', state: 'initialized', initialContext: {}, gatheredContext: {}, logs: {}, telephonyConfiguration: null };
}

describe('AdmittedRuns', () => {
  it('hands a run to its RunStart once', () => {
    const runs = new AdmittedRuns(1_000, 10, () => 0);
    runs.put(run('a'));
    expect(runs.take('a')?.id).toBe('a');
    expect(runs.take('a')).toBeUndefined();
    expect(runs.take('unknown')).toBeUndefined();
  });

  it('forgets a run past its time to live', () => {
    let now = 0;
    const runs = new AdmittedRuns(1_000, 10, () => now);
    runs.put(run('a'));
    runs.put(run('b'));
    now = 1_000;
    expect(runs.take('a')).toBeUndefined();
    // Expired runs are dropped as new ones come in.
    runs.put(run('c'));
    expect(runs.size).toBe(1);
    expect(runs.take('c')?.id).toBe('c');
  });

  it('holds at most maxRuns, forgetting the oldest', () => {
    const runs = new AdmittedRuns(1_000, 2, () => 0);
    runs.put(run('a'));
    runs.put(run('b'));
    runs.put(run('c'));
    expect(runs.size).toBe(2);
    expect(runs.take('a')).toBeUndefined();
    expect(runs.take('b')?.id).toBe('b');
    expect(runs.take('c')?.id).toBe('c');
  });

  it('forgets a dropped run', () => {
    const runs = new AdmittedRuns(1_000, 10, () => 0);
    runs.put(run('a'));
    runs.drop('a');
    expect(runs.take('a')).toBeUndefined();
  });
});
