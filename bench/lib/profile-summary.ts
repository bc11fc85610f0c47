/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, and total
 * (inclusive) time per function, as percentages of the profile's sampled time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of a profile summary. */
export interface ProfileRow {
  name: string;
  where: string;
  selfPercent: number;
  totalPercent: number;
}

const ROOT = path.resolve(import.meta.dirname, '..');

function label(node: ProfileNode): { name: string; where: string } {
  const f = node.callFrame;
  const url = f.url.replace(/^file:\/\//, '');
  const rel = url.startsWith(ROOT) ? path.relative(ROOT, url) : url.includes('node_modules') ? url.slice(url.lastIndexOf('node_modules') + 13) : url;
  return { name: f.functionName || '(anonymous)', where: rel ? `${rel}:${f.lineNumber + 1}` : '' };
}

/** The top `limit` functions by self time (and their inclusive time). Excludes the idle node. */
export function summarizeProfile(file: string, limit = 25): { sampledMs: number; busyPercent: number; rows: ProfileRow[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfTime = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const id = profile.samples[i]!;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  }
  const self = new Map<string, { name: string; where: string; self: number; total: number }>();
  let idle = 0;
  for (const [id, t] of selfTime) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += t;
      continue;
    }
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      const key = `${l.name} ${l.where}`;
      const row = self.get(key) ?? { ...l, self: 0, total: 0 };
      if (cur === id) row.self += t;
      if (!seen.has(key)) row.total += t;
      seen.add(key);
      self.set(key, row);
    }
  }
  const busy = total - idle;
  const rows = [...self.values()]
    .sort((a, b) => b.self - a.self)
    .slice(0, limit)
    .map((r) => ({ name: r.name, where: r.where, selfPercent: round((r.self / busy) * 100), totalPercent: round((r.total / busy) * 100) }));
  return { sampledMs: round(total / 1000), busyPercent: round((busy / total) * 100), rows };
}

const round = (v: number): number => Math.round(v * 10) / 10;

if (process.argv[1] === import.meta.filename) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/lib/profile-summary.ts FILE.cpuprofile [limit]\n');
    process.exit(2);
  }
  const s = summarizeProfile(file, Number(process.argv[3] ?? 30));
  process.stdout.write(`sampled ${s.sampledMs} ms, busy ${s.busyPercent}% (percentages below are of busy time)\n`);
  process.stdout.write(`${'self%'.padStart(6)} ${'total%'.padStart(7)}  function  location\n`);
  for (const r of s.rows) process.stdout.write(`${r.selfPercent.toFixed(1).padStart(6)} ${r.totalPercent.toFixed(1).padStart(7)}  ${r.name}  ${r.where}\n`);
}
