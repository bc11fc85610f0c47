// The commands the documentation gives (README.md, docs/**, apps/*/README.md, packages/*/README.md)
// must exist as written, so that the docs cannot silently rot: every `npm run SCRIPT` is a script of
// package.json, its options are options of that script's parser (operator commands are parsed by the
// operator's own parser), every `vr3-sim COMMAND --flag` is a command and flag the simulator both
// documents in its usage and parses, and every VR3_* variable the docs name is read by the code.
// Runnable blocks (```sh) must also be runnable as written: no <placeholder>, no [optional] synopsis,
// no bare `npx vr3-sim` (fetches from the registry) and no `npx … vr3-sim --help` (npx takes it).
// No process is started: the README's "Try it" section runs for real in tests/e2e/readme.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseOperatorArgs } from '@vr3/control-plane';
import { COMMANDS, commandUsage, type Command } from '@vr3/simulator';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const listMd = (dir: string): string[] =>
  fs.existsSync(path.join(ROOT, dir))
    ? fs
        .readdirSync(path.join(ROOT, dir))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `${dir}/${f}`)
    : [];
const readmes = (dir: string): string[] =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .map((d) => `${dir}/${d}/README.md`)
    .filter((f) => fs.existsSync(path.join(ROOT, f)));

const DOCS = ['README.md', ...listMd('docs'), ...listMd('docs/engines'), ...listMd('docs/providers'), ...readmes('apps'), ...readmes('packages')];

/** One command found in a doc: a shell segment of a ```sh block line (runnable) or of an inline `code` span. */
interface DocCommand {
  where: string;
  words: string[];
  runnable: boolean;
  raw: string;
}

/** Splits shell text into words and separators; quotes are kept out of the words, `# comments` dropped. */
function shellWords(text: string): string[][] {
  const segments: string[][] = [[]];
  let word: string | undefined;
  const end = (): void => {
    if (word !== undefined) segments[segments.length - 1]!.push(word);
    word = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const stop = close < 0 ? text.length : close;
      word = (word ?? '') + text.slice(i + 1, stop);
      i = stop;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (/\s/.test(c)) {
      end();
    } else if ('&|;()'.includes(c) || (c === '$' && text[i + 1] === '(')) {
      end();
      if (c === '$') i++;
      segments.push([]);
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return segments.filter((s) => s.length > 0);
}

/** Inline spans that read like a command but name something else. */
const NOT_COMMANDS = new Set([
  'vr3-sim echo (cloudonix acme, hangup #)', // the name of the agent `vr3-sim setup` creates
]);

function docCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  for (const file of DOCS) {
    const lines = read(file).split('\n');
    let fence: string | undefined;
    let pending = '';
    lines.forEach((line, index) => {
      const where = `${file}:${index + 1}`;
      const f = /^\s*```(\w*)/.exec(line);
      if (f) {
        fence = fence === undefined ? f[1]! : undefined;
        return;
      }
      if (fence !== undefined) {
        if (!['sh', 'bash', 'shell'].includes(fence)) return;
        const joined = pending + line;
        if (/\\\s*$/.test(joined)) {
          pending = joined.replace(/\\\s*$/, ' ');
          return;
        }
        pending = '';
        for (const words of shellWords(joined)) out.push({ where, words, runnable: true, raw: joined.trim() });
        return;
      }
      for (const m of line.matchAll(/`([^`]+)`/g)) {
        // An inline span is a synopsis: [optional] parts are kept, only their brackets dropped, and
        // each <placeholder> stands for one word.
        if (NOT_COMMANDS.has(m[1]!)) continue;
        const span = m[1]!.replace(/<[^>]*>/g, 'x').replace(/[[\]]/g, ' ');
        for (const words of shellWords(span)) out.push({ where, words, runnable: false, raw: m[1]! });
      }
    });
  }
  return out;
}

/** The words after any `VAR=value` assignments and `sudo [-u user]`. */
function commandWords(words: string[]): string[] {
  let i = 0;
  for (;;) {
    if (/^[A-Z_][A-Z0-9_]*=/.test(words[i] ?? '')) i++;
    else if (words[i] === 'sudo') i += words[i + 1] === '-u' ? 3 : 1;
    else if (words[i] === 'nice' && words[i + 1] === '-n') i += 3;
    else break;
  }
  return words.slice(i);
}

const COMMANDS_FOUND = docCommands();

/** `--flag` options of a parseArgs `options` table in a source file (`name: { type: … }` lines). */
function parserOptions(...files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const m of read(file).matchAll(/^\s*'?([a-z][a-z0-9-]*)'?: \{ type: '(?:string|boolean)'/gm)) names.add(m[1]!);
  }
  return names;
}
const flagsOf = (args: string[]): string[] => args.filter((a) => a.startsWith('--') && a !== '--').map((a) => a.slice(2).split('=')[0]!);

const PACKAGE_SCRIPTS = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** npm scripts whose arguments go to a parseArgs table (file), checked flag by flag. */
const SCRIPT_PARSERS: Record<string, string[]> = {
  bench: ['bench/run.ts'],
  'leak-check': ['bench/leak-check.ts'],
  backup: ['apps/embedded/src/operator/backup-main.ts'],
  restore: ['apps/embedded/src/operator/backup-main.ts'],
};

const SIM_PARSERS: Record<Command, string[]> = {
  call: ['packages/simulator/src/cli/call-command.ts'],
  'provider-api': ['packages/simulator/src/cli/provider-api-command.ts'],
  setup: ['packages/simulator/src/cli/setup-command.ts'],
  load: ['packages/simulator/src/cli/load-command.ts', 'packages/simulator/src/cli/target.ts'],
  burst: ['packages/simulator/src/cli/burst-command.ts', 'packages/simulator/src/cli/target.ts'],
  bot: ['packages/simulator/src/cli/bot-command.ts'],
  providers: [],
};
/** Words the docs use for "any command" in a synopsis (`vr3-sim COMMAND --help`). */
const SIM_COMMAND_PLACEHOLDERS = new Set(['COMMAND']);

/** An npm-script invocation: `npm run S [-- args]`, `npm start`, `npm test`. */
function npmScript(words: string[]): { script: string; args: string[] } | undefined {
  const w = commandWords(words);
  if (w[0] !== 'npm') return undefined;
  if (w[1] === 'start' || w[1] === 'test') return { script: w[1], args: w.slice(2) };
  if (w[1] !== 'run') return undefined;
  const rest = w.slice(2).filter((a) => a !== '-s');
  const sep = rest.indexOf('--');
  return { script: rest[0]!, args: sep < 0 ? [] : rest.slice(sep + 1) };
}

/** A simulator invocation: `npx --no vr3-sim CMD …`, `vr3-sim CMD …`, `node packages/simulator/bin/vr3-sim.mjs CMD …`. */
function simInvocation(words: string[]): { npx: string[] | undefined; args: string[] } | undefined {
  const w = commandWords(words);
  const at = w.findIndex((x) => x === 'vr3-sim' || x.endsWith('bin/vr3-sim.mjs'));
  if (at < 0) return undefined;
  if (at > 0 && !['npx', 'node'].includes(w[0]!)) return undefined;
  return { npx: w[0] === 'npx' ? w.slice(1, at) : undefined, args: w.slice(at + 1) };
}

describe('commands in the docs', () => {
  it('finds the commands (the extraction works)', () => {
    expect(DOCS.length).toBeGreaterThan(20);
    expect(COMMANDS_FOUND.filter((c) => npmScript(c.words)).length).toBeGreaterThan(30);
    expect(COMMANDS_FOUND.filter((c) => c.runnable && simInvocation(c.words)).length).toBeGreaterThan(5);
  });

  it('every npm script exists, with options its parser knows', () => {
    const problems: string[] = [];
    for (const c of COMMANDS_FOUND) {
      const s = npmScript(c.words);
      if (!s) continue;
      if (!(s.script in PACKAGE_SCRIPTS)) {
        problems.push(`${c.where}: npm script "${s.script}" is not in package.json (${c.raw})`);
        continue;
      }
      const parser = SCRIPT_PARSERS[s.script];
      if (parser) {
        const known = parserOptions(...parser);
        for (const flag of flagsOf(s.args)) if (!known.has(flag)) problems.push(`${c.where}: npm run ${s.script} has no --${flag} (${c.raw})`);
      }
      if (s.script === 'operator' && s.args.length > 0) {
        try {
          parseOperatorArgs(s.args);
        } catch (err) {
          // Prose may name a command without its required options (`npm run operator -- create-org`).
          if (c.runnable || !/ needs --/.test((err as Error).message)) problems.push(`${c.where}: npm run operator -- ${s.args.join(' ')}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every vr3-sim command and flag is one the simulator documents and parses', () => {
    const problems: string[] = [];
    for (const c of COMMANDS_FOUND) {
      const sim = simInvocation(c.words);
      if (!sim) continue;
      const [command, ...args] = sim.args;
      if (c.runnable && sim.npx !== undefined && !sim.npx.includes('--no')) problems.push(`${c.where}: npx without --no may fetch vr3-sim from the registry (${c.raw})`);
      if (command === undefined) continue;
      if (command === '--help' || command === '-h') {
        if (sim.npx !== undefined) problems.push(`${c.where}: npx takes a bare --help itself: write \`npx --no vr3-sim help\` (${c.raw})`);
        continue;
      }
      if (command === 'help' || SIM_COMMAND_PLACEHOLDERS.has(command)) continue;
      if (!(COMMANDS as readonly string[]).includes(command)) {
        problems.push(`${c.where}: vr3-sim has no command "${command}" (${c.raw})`);
        continue;
      }
      const documented = new Set([...commandUsage(command as Command).matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
      const parsed = parserOptions(...SIM_PARSERS[command as Command]);
      for (const flag of flagsOf(args)) {
        if (flag === 'help') continue;
        if (!documented.has(flag)) problems.push(`${c.where}: \`vr3-sim ${command} --help\` does not list --${flag} (${c.raw})`);
        if (!parsed.has(flag)) problems.push(`${c.where}: vr3-sim ${command} does not parse --${flag} (${c.raw})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runnable blocks have no <placeholder> and no [optional] synopsis', () => {
    const problems = COMMANDS_FOUND.filter((c) => c.runnable)
      .map((c) => ({ c, text: c.raw.replace(/#.*$/, '') }))
      .filter(({ text }) => /<[A-Za-z][^>]*>/.test(text) || /\s\[--?[a-z]/.test(text))
      .map(({ c }) => `${c.where}: ${c.raw}`);
    expect([...new Set(problems)]).toEqual([]);
  });
});

/** VR3_* names in the docs that are not environment variables. */
const NOT_ENV_VARS = new Map([
  ['VR3_PROTOCOL_VERSION', 'the version constant of the `vr3` bot protocol (packages/engine-bridge)'],
  ['VR3_VAD_FALLBACK', 'the code of the process warning packages/vad emits'],
]);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'results') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|mjs|js|sh|cfg|ya?ml|service)$|^Dockerfile$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe('environment variables in the docs', () => {
  it('every VR3_* variable the docs name is read by the code', () => {
    const code = ['apps', 'packages', 'scripts', 'bench', 'deploy']
      .flatMap((d) => sourceFiles(path.join(ROOT, d)))
      .concat(path.join(ROOT, 'docker-compose.yml'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const named = new Set(DOCS.flatMap((f) => [...read(f).matchAll(/\bVR3_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThan(40);
    const unread = [...named].filter((name) => {
      if (NOT_ENV_VARS.has(name)) return false;
      const reads = [`process.env.${name}`, `process.env['${name}']`, `'${name}'`, `${name}:`, `\${${name}`, `$${name}`, `env.${name}`];
      return !reads.some((r) => code.includes(r));
    });
    expect(unread).toEqual([]);
    // The allowlist holds only names the docs still use.
    expect([...NOT_ENV_VARS.keys()].filter((n) => !named.has(n))).toEqual([]);
  });
});

/** The variables in the first column of the table(s) under `heading` (up to the next heading). */
function tableVars(file: string, heading: string): string[] {
  const text = read(file);
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file}: no heading "${heading}"`);
  const rest = text.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{1,4} /) < 0 ? undefined : rest.search(/\n#{1,4} /));
  return section
    .split('\n')
    .filter((l) => /^\| `[A-Z]/.test(l))
    .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
}

const filesUnder = (rel: string): string[] => sourceFiles(path.join(ROOT, rel)).filter((f) => f.endsWith('.ts'));

describe('configuration tables', () => {
  // Each app's table lists only variables that app's own environment parsing reads.
  // The shared pieces of the apps' environment parsing: @vr3/env, and the recording settings of @vr3/recordings.
  const env = [...filesUnder('packages/env/src'), ...filesUnder('packages/recordings/src')];
  const cases: { table: string; file: string; heading: string; sources: string[] }[] = [
    {
      table: 'embedded',
      file: 'README.md',
      heading: '## Configuration (embedded)',
      // The embedded product reads the media-edge's and the control-plane's shared variables too.
      sources: [...filesUnder('apps/embedded/src'), ...filesUnder('apps/media-edge/src/app'), ...filesUnder('apps/control-plane/src/app'), ...env],
    },
    { table: 'control-plane', file: 'docs/operations.md', heading: '### control-plane', sources: [...filesUnder('apps/control-plane/src/app'), ...env] },
    { table: 'media-edge', file: 'docs/operations.md', heading: '### media-edge', sources: [...filesUnder('apps/media-edge/src/app'), ...env] },
  ];
  it.each(cases)('$file: the $table table names only variables the $table reads', ({ file, heading, sources }) => {
    const vars = tableVars(file, heading);
    expect(vars.length).toBeGreaterThan(8);
    const code = sources.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const unread = vars.filter((name) => ![`${name}:`, `'${name}'`, `process.env.${name}`, `env.${name}`].some((r) => code.includes(r)));
    expect(unread).toEqual([]);
  });
});
