// Layer rules from shared/STYLE.md ("Import rules"), checked by `npm run lint:deps`.
// Paths are relative to the repository root; `to.path` of an npm package is its resolved file
// under node_modules/, or the bare name when it is not installed (hence `(^|node_modules/)`).

/** Infrastructure the pure core must never touch. */
const IO_PACKAGES = [
  '@modelcontextprotocol',
  '@octokit',
  'octokit',
  'express',
  'better-sqlite3',
  'pg',
  'pg-native',
  'kysely',
  'ioredis',
  'redis',
  'mongodb',
  'openai',
  'pino',
];
const IO_PACKAGES_RE = `(^|node_modules/)(${IO_PACKAGES.join('|')})(/|$)`;
const IO_CORE_MODULES_RE =
  '^(node:)?(fs|fs/promises|child_process|cluster|worker_threads|net|tls|dgram|dns|http|https|http2)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // --- governance/: the pure core ------------------------------------------------------------
    {
      name: 'governance-only-core-and-shared',
      comment: 'governance/ imports only itself, shared/ and pure libraries.',
      severity: 'error',
      from: { path: '^src/governance/' },
      to: { path: '^src/', pathNot: '^src/(governance|shared)/' },
    },
    {
      name: 'governance-no-infrastructure-packages',
      comment: 'governance/ never imports the MCP SDK, Octokit, express, loggers or database drivers.',
      severity: 'error',
      from: { path: '^src/governance/' },
      to: { path: IO_PACKAGES_RE },
    },
    {
      name: 'governance-no-io-core-modules',
      comment: 'governance/ does no I/O: no file system, processes or network (use a port).',
      severity: 'error',
      from: { path: '^src/governance/' },
      to: { dependencyTypes: ['core'], path: IO_CORE_MODULES_RE },
    },

    // --- MCP surface vs adapters ---------------------------------------------------------------
    {
      name: 'mcp-surface-not-to-adapters',
      comment: 'tools/, resources/, prompts/ and mcp/ get adapters through deps, never by import.',
      severity: 'error',
      from: { path: '^src/(tools|resources|prompts|mcp)/' },
      to: { path: '^src/(github|store|llm)/' },
    },
    {
      name: 'adapters-not-to-mcp',
      comment: 'github/, store/ and llm/ know nothing of MCP, the server or the transports.',
      severity: 'error',
      from: { path: '^src/(github|store|llm)/' },
      to: { path: '^src/((mcp|tools|resources|prompts|transports|composition)/|server\\.ts$|main\\.ts$)' },
    },
    {
      name: 'github-not-to-store',
      severity: 'error',
      from: { path: '^src/github/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'store-not-to-github',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/github/' },
    },
    {
      name: 'store-backends-independent',
      comment:
        'A store back-end imports no other back-end; only sql/ (shared SQL code) and memory/ are shared.',
      severity: 'error',
      from: { path: '^src/store/([^/]+)/' },
      to: { path: '^src/store/[^/]+/', pathNot: '^src/store/($1|sql|memory)/' },
    },
    {
      name: 'store-sql-only-for-sql-backends',
      comment: 'store/sql is shared by the SQL back-ends (sqlite/, postgres/) only.',
      severity: 'error',
      from: { path: '^src/store/', pathNot: '^src/store/(sql|sqlite|postgres)/' },
      to: { path: '^src/store/sql/' },
    },

    // --- Only main.ts and composition/ wire adapters; only main.ts picks the transport --------
    {
      name: 'only-composition-imports-store',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts$|composition/|store/)' },
      to: { path: '^src/store/' },
    },
    {
      name: 'only-composition-imports-github',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts$|composition/|github/)' },
      to: { path: '^src/github/' },
    },
    {
      name: 'only-composition-imports-llm',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts$|composition/|llm/)' },
      to: { path: '^src/llm/' },
    },
    {
      name: 'only-main-imports-composition',
      comment: 'composition/ builds the deps main.ts runs on (tests use it too, from outside src/).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts$|composition/)' },
      to: { path: '^src/composition/' },
    },
    {
      name: 'only-main-imports-transports',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts$|transports/)' },
      to: { path: '^src/transports/' },
    },
    {
      name: 'nobody-imports-main',
      comment: 'main.ts is the composition root; import what it imports instead.',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },

    // --- General hygiene -----------------------------------------------------------------------
    {
      name: 'no-circular',
      comment: 'No cycles. A cycle made only of `import type` edges has no runtime effect and is tolerated.',
      severity: 'error',
      from: {},
      to: { circular: true, via: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead code (main.ts and declaration files excepted).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: ['(^|/)[.][^/]+[.](?:js|cjs|mjs|ts|json)$', '[.]d[.][cm]?ts$', '^src/main[.]ts$'],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'The import does not resolve: a typo, or a package missing from package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment: 'Imports a package that is not a direct dependency (only present transitively).',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'src/ is shipped: it must not need devDependencies at run time (types are fine).',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['node_modules/@types/'],
      },
    },
    {
      name: 'no-deprecated-core',
      severity: 'error',
      from: {},
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(punycode|domain|constants|sys|_linklist|_stream_wrap)$',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    // Count `import type` edges too: type-only modules (ports, models) are then not orphans, and
    // the layer rules apply to types as well.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Same resolution as Node's ESM loader; 'types' lets type-only imports of typed packages resolve.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    // `import ... from './x.js'` in NodeNext TypeScript refers to './x.ts'.
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
