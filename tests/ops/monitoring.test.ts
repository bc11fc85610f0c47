// deploy/prometheus/alerts.yml and deploy/grafana/vr3.json: they parse, and every query names only
// metrics the apps register (collected from real registries: the apps' metric factories in-process,
// and a running embedded product's /metrics). `promtool check rules` runs when promtool is installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createControlPlaneMetrics, registerStateGauges } from '@vr3/control-plane';
import { createEdgeMetrics } from '@vr3/media-edge';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_AUTH, ProductProcess } from '../harness/product.ts';
import { parseYamlSubset } from './yaml-subset.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALERTS = path.join(ROOT, 'deploy/prometheus/alerts.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/vr3.json');
/** Series Prometheus itself writes for every target. */
const PROMETHEUS_SYNTHETIC = new Set(['up']);
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

/** Metric (series) names an expression selects: identifiers not a function, keyword or label. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  const names: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = stripped.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(')) continue; // a function
    if (PROMQL_KEYWORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

/** Series names a registry exposes (histograms as _bucket/_count/_sum; counters and gauges as named). */
function seriesOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)(?:\{|\s)/.exec(line);
    if (m) out.add(m[1]!);
    const t = /^# TYPE (\S+) (histogram|summary|counter|gauge)/.exec(line);
    if (t?.[2] === 'histogram') for (const s of ['_bucket', '_count', '_sum']) out.add(`${t[1]}${s}`);
    if (t?.[2] === 'summary') for (const s of ['', '_count', '_sum']) out.add(`${t[1]}${s}`);
    if (t && (t[2] === 'counter' || t[2] === 'gauge')) out.add(t[1]!);
  }
  return out;
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

let registered: Set<string>;
let product: ProductProcess | undefined;

beforeAll(async () => {
  // Distributed-mode registries, built by the apps' own factories (as their service.ts do).
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  createEdgeMetrics(registry);
  const cp = createControlPlaneMetrics(registry);
  registerStateGauges(cp, { activeRuns: async () => 0, queueDepths: async () => ({ outbox_pending: 0, waiting: 0, active: 0, delayed: 0, failed: 0 }) });
  registered = seriesOf(await registry.metrics());
  // The embedded product's registry (edge + control-plane's admission gate + process metrics).
  product = await ProductProcess.start();
  const res = await fetch(`${product.baseUrl}/metrics`, METRICS_AUTH);
  expect(res.status).toBe(200);
  for (const name of seriesOf(await res.text())) registered.add(name);
});

afterAll(async () => {
  await product?.stop();
});

describe('deploy/prometheus/alerts.yml', () => {
  const doc = parseYamlSubset(fs.readFileSync(ALERTS, 'utf8')) as unknown as { groups: { name: string; rules: Rule[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);

  it('parses into groups of alerting rules, each with an expression, a severity and a summary', () => {
    expect(doc.groups.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^VR3\w+$/);
      expect(rule.expr.length).toBeGreaterThan(0);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    // What the runbook promises to alert on.
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'VR3MediaEdgeDown',
        'VR3NoControlPlaneReplicas',
        'VR3AdmissionsOverloaded',
        'VR3Close1013Rate',
        'VR3BusTimeouts',
        'VR3HandshakeP99OverBudget',
        'VR3ProviderRequestErrors',
        'VR3JobQueueBacklog',
        'VR3FramesDropped',
      ]),
    );
  });

  it('every expression names only metrics the apps register', () => {
    expect(registered.has('vr3_media_edge_handshake_seconds_bucket')).toBe(true);
    expect(registered.has('vr3_control_plane_admissions_total')).toBe(true);
    const unknown = rules.flatMap((r) => metricNames(r.expr).filter((n) => !registered.has(n) && !PROMETHEUS_SYNTHETIC.has(n)).map((n) => `${r.alert}: ${n}`));
    expect(unknown).toEqual([]);
    expect(rules.every((r) => metricNames(r.expr).length > 0)).toBe(true);
  });

  it.skipIf(!promtool)(`promtool check rules${promtool ? '' : ' (skipped: promtool not installed; apt-get install prometheus)'}`, () => {
    const run = spawnSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});

describe('deploy/grafana/vr3.json', () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: { type: string; title: string; targets?: { expr: string }[] }[] };
  const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('has panels with queries naming only metrics the apps register', () => {
    expect(dashboard.uid).toBe('vr3-agent-stream');
    expect(targets.length).toBeGreaterThan(10);
    const unknown = targets.flatMap((t) => metricNames(t.expr).filter((n) => !registered.has(n) && !PROMETHEUS_SYNTHETIC.has(n)).map((n) => `${t.panel}: ${n}`));
    expect(unknown).toEqual([]);
    // Every vr3_ metric the apps register is on the dashboard.
    const shown = new Set(targets.flatMap((t) => metricNames(t.expr)).map((n) => n.replace(/_(bucket|count|sum)$/, '')));
    const ours = [...registered].filter((n) => n.startsWith('vr3_') && !/_(bucket|count|sum)$/.test(n));
    expect(ours.filter((n) => !shown.has(n))).toEqual([]);
  });

  it.skipIf(!promtool)(`every query is valid PromQL (promtool)${promtool ? '' : ' (skipped: promtool not installed)'}`, () => {
    // promtool checks PromQL in rule files: each query becomes a recording rule.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-dash-')), 'dashboard-rules.yml');
    const rules = targets.map((t, i) => `      - record: vr3:dashboard_query_${i}\n        expr: ${JSON.stringify(t.expr.replaceAll('$__rate_interval', '5m'))}`);
    fs.writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});

describe('metricNames', () => {
  it('finds series names, not functions, keywords, labels or label values', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, op) (rate(a_bucket{op="admit", x=~"y|z"}[5m]))) > 1 or vector(0)')).toEqual(['a_bucket']);
    expect(metricNames('sum(rate(a_total[5m])) / ignoring(code) b unless on(instance) up == 0')).toEqual(['a_total', 'b', 'up']);
  });
});
