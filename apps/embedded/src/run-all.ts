import type { Logger } from 'pino';

/** Runs `steps` in order, every one even if an earlier one fails (logged); rethrows the first failure. */
export async function runAll(steps: ReadonlyArray<() => unknown>, logger: Logger): Promise<void> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      logger.error({ err }, 'shutdown step failed');
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
