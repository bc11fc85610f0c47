// `npm test`: type-checks every workspace, tests/ and bench/, lints (eslint.config.mjs), then runs the
// unit and end-to-end suites with vitest, and ends with a plain "N passed, N failed" line.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const runAsync = (cmd, args) =>
  new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('close', (code) => resolve(code ?? 1)));

/**
 * The type-check programs: every Node workspace in one (they share tsconfig.base.json, so each
 * source is checked once rather than again by every workspace that imports it: ~20 s instead of
 * ~110 s for one `tsc` per workspace), the console (DOM, JSX), tests/ and bench/. Two at a time.
 */
const TYPECHECK_PROJECTS = [['tsconfig.workspaces.json'], ['apps/console/tsconfig.json', 'tests/tsconfig.json', 'bench/tsconfig.json']];

const extra = process.argv.slice(2);
if (extra.length === 0) {
  const codes = await Promise.all(
    TYPECHECK_PROJECTS.map(async (projects) => {
      for (const project of projects) {
        const code = await runAsync('npx', ['tsc', '-p', project, '--noEmit']);
        if (code !== 0) return code;
      }
      return 0;
    }),
  );
  const tc = codes.find((code) => code !== 0) ?? 0;
  if (tc !== 0) {
    console.log('\ntypecheck failed');
    console.log('0 passed, 1 failed');
    process.exit(tc);
  }
  const lint = run('npm', ['run', '--silent', 'lint']);
  if (lint !== 0) {
    console.log('\nlint failed');
    console.log('0 passed, 1 failed');
    process.exit(lint);
  }
}

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-test-')), 'report.json');
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  printSlowestFiles(r.testResults ?? []);
} catch {
  failed = Math.max(failed, 1);
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status === 0 && failed === 0 ? 0 : 1);

/** The slowest test files (wall time from their first to their last test): where the suite's time goes. */
function printSlowestFiles(files) {
  const timed = files
    .filter((f) => f.startTime && f.endTime)
    .map((f) => ({ file: path.relative(process.cwd(), f.name), seconds: (f.endTime - f.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  if (timed.length === 0) return;
  console.log('\nslowest test files (s):');
  for (const { file, seconds } of timed.slice(0, 15)) console.log(`${seconds.toFixed(1).padStart(8)}  ${file}`);
}
