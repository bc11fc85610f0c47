// ESLint flat config: type-aware typescript-eslint for the TypeScript sources, tests and bench,
// the non-type-aware recommended set for the few .mjs/.cjs scripts. `npm run lint` (part of `npm test`).
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** The workspace directories (packages/*, apps/*), relative to the root, with their package.json. */
const workspaces = ['packages', 'apps'].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, dir, d.name, 'package.json')))
    .map((d) => ({
      dir: `${dir}/${d.name}`,
      pkg: JSON.parse(fs.readFileSync(path.join(root, dir, d.name, 'package.json'), 'utf8')),
    })),
);

/** Public subpaths (`@vr3/codec/testing`, `@vr3/engine-bridge/spec`), read from each `exports` map. */
const publicSubpaths = workspaces.flatMap(({ pkg }) =>
  Object.keys(pkg.exports ?? {})
    .filter((k) => k !== '.')
    .map((k) => `${pkg.name}${k.slice(1)}`),
);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * `vr3/no-cross-workspace-relative`: a relative import inside packages/<x> or apps/<x> must resolve
 * inside that same workspace (another workspace is reached through its `@vr3/…` entry point);
 * tests/ and bench/ may import each other but not reach into a workspace by a relative path.
 */
const noCrossWorkspaceRelative = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid relative imports that leave the importing workspace' },
    messages: {
      leaves: "'{{source}}' reaches into {{target}} by a relative path; import its package entry point (`@vr3/…`) instead.",
    },
    schema: [],
  },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const own = /^(packages|apps)\/[^/]+\//.exec(file)?.[0];
    const check = (node) => {
      const source = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined;
      if (!source || !source.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), source)).split(path.sep).join('/') + '/';
      const inWorkspace = /^(packages|apps)\/[^/]+\//.exec(target)?.[0];
      const leaves = own ? !target.startsWith(own) : inWorkspace !== undefined;
      if (leaves) context.report({ node, messageId: 'leaves', data: { source, target: inWorkspace ?? target } });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export default defineConfig(
  globalIgnores([
    '**/node_modules/**',
    '**/dist/**',
    '**/.turbo/**',
    '**/coverage/**',
    '**/.vr3/**',
    '**/.vr3-dev/**',
    '**/generated/**', // Prisma client (apps/control-plane/src/generated), regenerated on install; the console's API types (npm run openapi:types)
    'bench/tmp/**',
    'bench/results/**',
    // Root tool configs are in no tsconfig and not part of the product; tsc never sees them either.
    'vitest.config.ts',
    'prisma.config.ts',
  ]),

  // Everything (TS and the .mjs/.cjs scripts): the recommended, non-type-aware set.
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { vr3: { rules: { 'no-cross-workspace-relative': noCrossWorkspaceRelative } } },
    rules: {
      'vr3/no-cross-workspace-relative': 'error',
      // No deep imports across packages: only an entry point or a subpath its `exports` map lists.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?!(?:${publicSubpaths.map(escapeRe).join('|')})$)@vr3/[^/]+/`,
              message: 'Deep import into a @vr3 package: use its entry point or a subpath listed in its package.json "exports".',
            },
          ],
        },
      ],
      // `_`-prefixed names are the codebase's convention for a deliberately unused binding.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },

  // TypeScript (sources, tests, bench): type-aware rules.
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'tests/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      // Type information from four programs (every Node workspace shares one) rather than one per
      // workspace's tsconfig: each source is type-checked once, which halves the lint's time.
      parserOptions: { project: ['./tsconfig.workspaces.json', './apps/console/tsconfig.json', './tests/tsconfig.json', './bench/tsconfig.json'], tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Inline `type` for mixed imports is what most files do (verbatimModuleSyntax needs the marker).
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },

  // Test code: assertions read untyped JSON bodies and recorded wire frames; sources have no `any`.
  {
    files: ['tests/**/*.ts', '**/*.test.ts', '**/src/testing/**/*.ts'],
    rules: {
      // `as any` on an API body or a recorded frame is how tests poke at loosely shaped JSON.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // .mjs/.cjs scripts get only the non-type-aware set above (ESLint infers module vs. commonjs).
);
