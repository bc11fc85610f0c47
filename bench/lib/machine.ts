import os from 'node:os';
import type { BenchResult } from './result.ts';

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** What a result records of the machine: hardware, runtime, and the load average at start and now. */
export function machineFacts(loadStart: number[]): BenchResult['machine'] {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    os: `${os.type()} ${os.release()}`,
    loadAvgStart: loadStart.map((x) => round(x, 2)),
    loadAvgEnd: os.loadavg().map((x) => round(x, 2)),
    busyAtStart: loadStart[0]! > 0.5,
  };
}
