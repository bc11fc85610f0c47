import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { interleavedSequencer } from './tests/harness/interleaved-sequencer.ts';

/**
 * End-to-end files that measure time, memory or throughput, or drive many calls or processes at
 * once: they run one at a time, after everything else, with nothing else running beside them
 * (the `e2e-serial` project). Every other end-to-end file is parallel-safe (each product it starts
 * has its own data dir and ports picked by the OS) and runs in the `e2e` project, files in
 * parallel and alongside the unit files.
 */
const SERIAL_E2E = [
  'tests/leak/**/*.test.ts',
  'tests/e2e/signals.test.ts',
  'tests/e2e/admission-timeouts.test.ts',
  'tests/e2e/voice-barge-in.test.ts',
  'tests/e2e/simulator-cli.test.ts',
  'tests/e2e/readme.test.ts',
  'tests/e2e/bridge-bounds.test.ts',
  'tests/e2e/realtime-silence.test.ts',
  'tests/distributed/stack.test.ts',
];

/** Unit files that signal their own process (a real SIGHUP): each gets a worker of its own. */
const OWN_PROCESS_UNIT = ['apps/media-edge/src/app/http-limits-tls.test.ts'];

/**
 * Test files run at the same time in the unit + `e2e` group. At least 2: vitest's own default
 * (one less than the cores) would run a single file at a time on a 2-core machine, although most
 * end-to-end time is spent waiting on processes and sockets. Capped because each end-to-end file
 * starts whole products (Node, PostgreSQL).
 */
const PARALLEL_FILES = Math.min(8, Math.max(2, os.availableParallelism() - 1));

export default defineConfig({
  test: {
    maxWorkers: PARALLEL_FILES,
    // The parallel end-to-end files spread among the unit files in the queue of the shared workers.
    sequence: { sequencer: interleavedSequencer('e2e') },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: OWN_PROCESS_UNIT,
          // Unit files reuse their worker's module cache instead of importing every module again
          // per file (halves the unit project's time: import was ~130 s of it). They keep no state
          // between files: each starts its own servers and databases, and restores real timers.
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'unit-own-process',
          include: OWN_PROCESS_UNIT,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          globalSetup: ['tests/harness/build-entries.ts'],
          exclude: SERIAL_E2E,
          // A hang guard only (timings are asserted by the tests themselves): a file sharing the CPU
          // with others takes longer, and a case that starts three products in turn needs the margin.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e-serial',
          include: SERIAL_E2E,
          globalSetup: ['tests/harness/build-entries.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
