/** Child processes pinned to CPU cores, and what /proc says about a process. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** True when `taskset` (util-linux) is on the PATH and the machine has at least two cores. */
export function canPin(): boolean {
  return os.cpus().length >= 2 && spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Pins every thread of this process to `core`; false when it could not. */
export function pinSelf(core: number): boolean {
  return spawnSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** Spawns `command args…` on `core` (when pinning works), stdout/stderr piped. */
export function spawnOnCore(core: number | null, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): ChildProcess {
  if (core === null) return spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return spawn('taskset', ['-c', String(core), command, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** CPU seconds (user + system) and resident set size of a process, from /proc. */
export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
  at: number;
}

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const PAGE = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout.trim()) || 4096;

/** Reads /proc/<pid>/stat (utime + stime) and /proc/<pid>/statm (resident pages). */
export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
  return { cpuSeconds, rssBytes: Number(statm[1]) * PAGE, at: performance.now() };
}

/** CPU use between two samples, % of one core. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  return ((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100;
}

/** Resolves with the first stdout line matching `re` (its match), or rejects when the process exits first or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number, sink?: (line: string) => void): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no line matching ${re} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err: Error | null, m?: RegExpExecArray): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(m!);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        sink?.(line);
        const m = re.exec(line);
        if (m) finish(null, m);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => sink?.(chunk.toString('utf8').trimEnd()));
    child.once('exit', (code) => finish(new Error(`process exited with ${code} before printing ${re}`)));
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Parent pid and command name of every process, from /proc. */
function processTable(): Array<{ pid: number; ppid: number; comm: string }> {
  const out: Array<{ pid: number; ppid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      out.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(stat.slice(close + 2).split(' ')[1]) });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/**
 * Every live descendant of `root` (children, their children, …), leaving out the `esbuild`
 * services tsx starts for itself: with this process as root, the servers a benchmark started.
 */
export function descendantPids(root = process.pid): number[] {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const p of table) {
    if (p.comm === 'esbuild') continue;
    children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Pins every thread of each process to `core` (processes they fork later inherit it); the number pinned. */
export function pinPids(pids: number[], core: number): number {
  let pinned = 0;
  for (const pid of pids) if (spawnSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' }).status === 0) pinned++;
  return pinned;
}

/**
 * CPU seconds of a set of processes: user + system of each, plus what their exited children used
 * (`cutime` + `cstime`), so a child that exits between two samples stays counted through its parent.
 */
export function treeCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / TICKS;
}
