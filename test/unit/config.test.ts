import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadConfig,
  type Config,
  type ServeConfig,
  type SystemInfo,
} from '../../src/config/config.js';

const system: SystemInfo = { username: () => 'alice', homedir: () => '/home/alice' };

function serve(argv: string[], env: NodeJS.ProcessEnv = {}): ServeConfig {
  const c: Config = loadConfig(argv, env, system);
  if (c.command === 'help' || c.command === 'version')
    throw new Error(`expected a serve config, got ${c.command}`);
  return c;
}

function failure(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig(argv, env, system);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has safe defaults: http on loopback, SQLite under ~/.local/share, everything enabled', () => {
    expect(serve([])).toEqual({
      command: 'http',
      http: {
        host: '127.0.0.1',
        port: 8787,
        authToken: undefined,
        identities: [],
        allowedOrigins: [],
        allowedHosts: [],
        sessionIdleSeconds: 1800,
        maxBodyBytes: 4_194_304,
        maxSessions: 100,
      },
      stdio: { maxLineBytes: 4_194_304 },
      store: { kind: 'sqlite', dataDir: '/home/alice/.local/share/governance-factory' },
      readOnly: false,
      toolsets: undefined,
      jobLeaseMs: 30_000,
      logLevel: 'info',
      actor: { type: 'user', id: 'local:alice', name: 'alice' },
      audit: {
        keyFile: '/home/alice/.local/share/governance-factory/audit-signing-key.pem',
        checkpointMinutes: 15,
      },
    });
  });

  it.each<{ name: string; argv: string[]; env: NodeJS.ProcessEnv; expected: Record<string, unknown> }>([
    { name: 'stdio command', argv: ['stdio'], env: {}, expected: { command: 'stdio' } },
    {
      name: 'XDG_DATA_HOME',
      argv: [],
      env: { XDG_DATA_HOME: '/xdg' },
      expected: { store: { kind: 'sqlite', dataDir: '/xdg/governance-factory' } },
    },
    {
      name: 'GF_DATA_DIR',
      argv: [],
      env: { GF_DATA_DIR: '/data' },
      expected: { store: { kind: 'sqlite', dataDir: '/data' } },
    },
    {
      name: '--data-dir over GF_DATA_DIR, ~ expanded',
      argv: ['--data-dir', '~/gf'],
      env: { GF_DATA_DIR: '/data' },
      expected: { store: { kind: 'sqlite', dataDir: '/home/alice/gf' } },
    },
    {
      name: 'relative --data-dir made absolute',
      argv: ['--data-dir', 'rel/dir'],
      env: {},
      expected: { store: { kind: 'sqlite', dataDir: path.resolve('rel/dir') } },
    },
    {
      name: 'DATABASE_URL selects PostgreSQL (Supabase string)',
      argv: [],
      env: { DATABASE_URL: 'postgresql://postgres.ref:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres' },
      expected: {
        store: {
          kind: 'postgres',
          url: 'postgresql://postgres.ref:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres',
          schema: 'governance_factory',
        },
      },
    },
    {
      name: 'DATABASE_SCHEMA',
      argv: [],
      env: { DATABASE_URL: 'postgres://db/x', DATABASE_SCHEMA: 'gov' },
      expected: { store: { kind: 'postgres', url: 'postgres://db/x', schema: 'gov' } },
    },
    {
      name: 'flags override env',
      argv: [
        'http',
        '--host',
        'localhost',
        '--port',
        '9000',
        '--log-level',
        'debug',
        '--toolsets',
        'items,audit',
      ],
      env: { GF_HOST: '127.0.0.2', GF_PORT: '1234', GF_LOG_LEVEL: 'warn', GF_TOOLSETS: 'milestones' },
      expected: {
        logLevel: 'debug',
        toolsets: ['items', 'audit'],
        http: expect.objectContaining({ host: 'localhost', port: 9000 }),
      },
    },
    // One spelling, `warning` (MCP's); `warn` is the same level.
    ...[
      { argv: ['--log-level', 'warning'], env: {} },
      { argv: ['--log-level', 'warn'], env: {} },
      { argv: [], env: { GF_LOG_LEVEL: 'warn' } },
      { argv: [], env: { GF_LOG_LEVEL: 'warning' } },
    ].map(({ argv, env }) => ({
      name: `log level ${argv[1] ?? `GF_LOG_LEVEL=${env.GF_LOG_LEVEL}`}`,
      argv,
      env,
      expected: { logLevel: 'warning' },
    })),
    {
      name: '--read-only',
      argv: ['--read-only'],
      env: { GF_READ_ONLY: 'false' },
      expected: { readOnly: true },
    },
    ...['true', '1', 'TRUE', 'yes'].map((v) => ({
      name: `GF_READ_ONLY=${v}`,
      argv: [],
      env: { GF_READ_ONLY: v },
      expected: { readOnly: true },
    })),
    { name: 'GF_READ_ONLY=0', argv: [], env: { GF_READ_ONLY: '0' }, expected: { readOnly: false } },
    {
      name: 'empty variables count as unset',
      argv: [],
      env: { GF_PORT: '', GF_HOST: ' ' },
      expected: { http: expect.objectContaining({ host: '127.0.0.1', port: 8787 }) },
    },
    {
      name: 'HTTP settings from env',
      argv: [],
      env: {
        GF_AUTH_TOKEN: 'tok',
        GF_ALLOWED_ORIGINS: 'https://app.example.com/, http://Tools.Example:8080',
        GF_ALLOWED_HOSTS: 'MCP.example.com, mcp.example.com:443',
        GF_SESSION_IDLE_SECONDS: '60',
        GF_MAX_BODY_BYTES: '4096',
        GF_MAX_SESSIONS: '5',
      },
      expected: {
        http: {
          host: '127.0.0.1',
          port: 8787,
          authToken: 'tok',
          identities: [],
          allowedOrigins: ['https://app.example.com', 'http://tools.example:8080'],
          allowedHosts: ['mcp.example.com', 'mcp.example.com:443'],
          sessionIdleSeconds: 60,
          maxBodyBytes: 4096,
          maxSessions: 5,
        },
        stdio: { maxLineBytes: 4096 },
      },
    },
    {
      name: 'actor from env',
      argv: [],
      env: { GF_ACTOR_TYPE: 'agent_service', GF_ACTOR_ID: 'agent:dev', GF_ACTOR_NAME: 'Dev agent' },
      expected: { actor: { type: 'agent_service', id: 'agent:dev', name: 'Dev agent' } },
    },
    {
      name: 'one actor per token from GF_AUTH_TOKENS',
      argv: [],
      env: { GF_AUTH_TOKENS: 'tok-dev=agent_service|agent:dev|Dev agent; tok-alice=user|alice' },
      expected: {
        http: expect.objectContaining({
          identities: [
            { token: 'tok-dev', actor: { type: 'agent_service', id: 'agent:dev', name: 'Dev agent' } },
            { token: 'tok-alice', actor: { type: 'user', id: 'alice', name: 'alice' } },
          ],
        }),
      },
    },
    {
      name: 'non-loopback host with GF_AUTH_TOKENS only',
      argv: ['--host', '0.0.0.0'],
      env: { GF_AUTH_TOKENS: 'tok-a=user|alice|Alice' },
      expected: { http: expect.objectContaining({ host: '0.0.0.0', authToken: undefined }) },
    },
    {
      name: 'non-loopback host with a token',
      argv: ['--host', '0.0.0.0'],
      env: { GF_AUTH_TOKEN: 'tok' },
      expected: { http: expect.objectContaining({ host: '0.0.0.0', authToken: 'tok' }) },
    },
    {
      name: 'stdio ignores the host (nothing is bound)',
      argv: ['stdio'],
      env: { GF_HOST: '0.0.0.0' },
      expected: { command: 'stdio' },
    },
    {
      name: 'IPv6 loopback in brackets',
      argv: ['--host', '[::1]'],
      env: {},
      expected: { http: expect.objectContaining({ host: '::1' }) },
    },
  ])('$name', ({ argv, env, expected }) => {
    expect(serve(argv, env)).toMatchObject(expected);
  });

  it.each([
    {
      name: 'bad GF_PORT',
      argv: [],
      env: { GF_PORT: 'http' },
      says: /GF_PORT "http": must be a whole number/,
    },
    {
      name: 'port out of range',
      argv: [],
      env: { GF_PORT: '70000' },
      says: /GF_PORT "70000": must be at most 65535/,
    },
    {
      name: 'bad --port names the flag',
      argv: ['--port', '80a'],
      env: { GF_PORT: '80' },
      says: /--port "80a"/,
    },
    {
      name: 'dash value for --port',
      argv: ['--port', '-1'],
      env: {},
      says: /'--port' argument is ambiguous/,
    },
    { name: 'flag without its value', argv: ['--port'], env: {}, says: /'--port <value>' argument missing/ },
    {
      name: 'malformed GF_AUTH_TOKENS entry, secret not echoed',
      argv: [],
      env: { GF_AUTH_TOKENS: 'sekrit-1=user|alice; sekrit-2=robot|x' },
      says: /^(?!.*sekrit)[\s\S]*GF_AUTH_TOKENS: entry 2 must look like <token>=<type>\|<id>\[\|<name>\]/,
    },
    {
      name: 'a token used twice',
      argv: [],
      env: { GF_AUTH_TOKENS: 'same-tok=user|alice; same-tok=user|bob' },
      says: /GF_AUTH_TOKENS: the same token appears twice/,
    },
    {
      name: 'GF_AUTH_TOKENS repeating GF_AUTH_TOKEN',
      argv: [],
      env: { GF_AUTH_TOKEN: 'tok', GF_AUTH_TOKENS: 'tok=user|alice' },
      says: /repeats GF_AUTH_TOKEN/,
    },
    {
      name: 'non-loopback host without a token',
      argv: ['--host', '0.0.0.0'],
      env: {},
      says: /GF_AUTH_TOKEN is required when --host is not a loopback/,
    },
    {
      name: 'LAN address from GF_HOST without a token',
      argv: [],
      env: { GF_HOST: '192.168.1.5' },
      says: /GF_AUTH_TOKEN is required when GF_HOST/,
    },
    {
      name: 'unknown toolset',
      argv: ['--toolsets', 'items,issues'],
      env: {},
      says: /--toolsets .*"issues" is not one of items, milestones, audit/,
    },
    { name: 'unknown log level', argv: [], env: { GF_LOG_LEVEL: 'verbose' }, says: /GF_LOG_LEVEL "verbose"/ },
    {
      name: 'unknown log level names the one spelling',
      argv: ['--log-level', 'warnings'],
      env: {},
      says: /--log-level "warnings": .*is not one of fatal, error, warning, info/,
    },
    {
      name: 'bad boolean',
      argv: [],
      env: { GF_READ_ONLY: 'sure' },
      says: /GF_READ_ONLY "sure": must be true or false/,
    },
    {
      name: 'non-postgres DATABASE_URL, value not echoed',
      argv: [],
      env: { DATABASE_URL: 'mysql://u:secret@h/db' },
      says: /^(?!.*secret).*DATABASE_URL: must be a postgres/s,
    },
    {
      name: 'bad schema',
      argv: [],
      env: { DATABASE_URL: 'postgres://h/db', DATABASE_SCHEMA: 'a;drop' },
      says: /DATABASE_SCHEMA/,
    },
    {
      name: 'origin with a path',
      argv: [],
      env: { GF_ALLOWED_ORIGINS: 'https://a.example/app' },
      says: /GF_ALLOWED_ORIGINS .*is not an origin/,
    },
    {
      name: 'bad actor type',
      argv: [],
      env: { GF_ACTOR_TYPE: 'robot' },
      says: /GF_ACTOR_TYPE "robot": .*user, agent_service, system/,
    },
    {
      name: 'body limit too small',
      argv: [],
      env: { GF_MAX_BODY_BYTES: '10' },
      says: /GF_MAX_BODY_BYTES "10": must be at least/,
    },
    {
      name: 'no sessions at all',
      argv: [],
      env: { GF_MAX_SESSIONS: '0' },
      says: /GF_MAX_SESSIONS "0": must be at least 1/,
    },
    { name: 'unknown flag', argv: ['--prot', '1'], env: {}, says: /Unknown option '--prot'/ },
    {
      name: 'unknown command',
      argv: ['serve'],
      env: {},
      says: /unknown command "serve": expected http or stdio/,
    },
    { name: 'two commands', argv: ['http', 'stdio'], env: {}, says: /expected one command/ },
  ])('refuses $name', ({ argv, env, says }) => {
    const msg = failure(argv, env);
    expect(msg).toMatch(says);
    expect(msg).toContain('--help');
  });

  it('reports every bad setting at once', () => {
    const msg = failure([], { GF_PORT: 'x', GF_LOG_LEVEL: 'loud' });
    expect(msg).toMatch(/GF_PORT/);
    expect(msg).toMatch(/GF_LOG_LEVEL/);
  });

  it.each([
    { argv: ['--help'], command: 'help' },
    { argv: ['-h'], command: 'help' },
    { argv: ['--version'], command: 'version' },
    // Help must work even when the environment is broken.
    { argv: ['stdio', '--help'], command: 'help', env: { GF_PORT: 'broken' } },
  ])('$argv -> $command', ({ argv, command, env }) => {
    expect(loadConfig(argv, env ?? {}, system)).toEqual({ command });
  });
});

describe('loadConfig: model provider', () => {
  const BASE = { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' };

  it('has no provider unless OPENAI_BASE_URL names one (an API key alone sends nothing anywhere)', () => {
    expect(serve([]).model).toBeUndefined();
    expect(serve([], { OPENAI_API_KEY: 'sk-ambient' }).model).toBeUndefined();
  });

  it('builds fallback chains; analysis and writing default to the planning chain', () => {
    expect(serve([], { ...BASE, GF_MODEL_PLANNING: ' big, small ,big' }).model).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: undefined,
      models: { planning: ['big', 'small'], analysis: ['big', 'small'], writing: ['big', 'small'] },
      timeoutMs: 60_000,
    });
    expect(
      serve([], {
        ...BASE,
        OPENAI_API_KEY: 'sk-1',
        GF_MODEL_PLANNING: 'p',
        GF_MODEL_ANALYSIS: 'a1,a2',
        GF_MODEL_WRITING: 'w',
        GF_MODEL_TIMEOUT_MS: '5000',
      }).model,
    ).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: 'sk-1',
      models: { planning: ['p'], analysis: ['a1', 'a2'], writing: ['w'] },
      timeoutMs: 5000,
    });
  });

  it.each([
    { env: { ...BASE }, says: /OPENAI_BASE_URL is set but GF_MODEL_PLANNING is not/ },
    { env: { ...BASE, GF_MODEL_ANALYSIS: 'a' }, says: /GF_MODEL_PLANNING is not/ },
    {
      env: { GF_MODEL_PLANNING: 'gpt-4.1', OPENAI_API_KEY: 'sk-1' },
      says: /OPENAI_BASE_URL is not set.*no default/,
    },
    {
      env: { OPENAI_BASE_URL: 'ftp://models', GF_MODEL_PLANNING: 'p' },
      says: /OPENAI_BASE_URL: must be an http/,
    },
    {
      env: { ...BASE, GF_MODEL_PLANNING: ' , ' },
      says: /GF_MODEL_PLANNING "[^"]*": must name at least one model/,
    },
    {
      env: { ...BASE, GF_MODEL_PLANNING: 'p', GF_MODEL_TIMEOUT_MS: '10' },
      says: /GF_MODEL_TIMEOUT_MS "10": must be at least 1000/,
    },
  ])('fails fast: $env', ({ env, says }) => {
    expect(failure([], env)).toMatch(says);
  });

  it('never echoes the API key or the base URL, which may carry credentials', () => {
    const msg = failure([], {
      OPENAI_BASE_URL: 'https://user:hunter2@models.example.com/v1?key=hunter2',
      OPENAI_API_KEY: 'sk has spaces hunter2',
      GF_MODEL_PLANNING: 'p',
    });
    expect(msg).toMatch(/OPENAI_API_KEY/);
    expect(msg).not.toContain('hunter2');
  });
});

describe('loadConfig: policy sources', () => {
  it('reads no policy from anywhere unless GITHUB_TOKEN or GF_POLICY_DIR is set', () => {
    const c = serve([], { GITHUB_API_URL: 'https://ghe.example.com/api/v3' });
    expect([c.github, c.policyDir]).toEqual([undefined, undefined]);
  });

  it.each([
    {
      env: { GITHUB_TOKEN: 'ghp_x' },
      expected: { github: { token: 'ghp_x', apiUrl: 'https://api.github.com' } },
    },
    {
      env: { GITHUB_TOKEN: 'ghp_x', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' },
      expected: { github: { token: 'ghp_x', apiUrl: 'https://ghe.example.com/api/v3' } },
    },
    {
      env: { GITHUB_TOKEN: 'ghp_x', GITHUB_API_URL: 'http://127.0.0.1:9999' },
      expected: { github: { token: 'ghp_x', apiUrl: 'http://127.0.0.1:9999' } },
    },
    { env: { GF_POLICY_DIR: '~/src' }, expected: { policyDir: '/home/alice/src' } },
    { env: { GF_POLICY_DIR: 'checkouts' }, expected: { policyDir: path.resolve('checkouts') } },
  ])('$env', ({ env, expected }) => {
    expect(serve([], env)).toMatchObject(expected);
  });

  it.each([
    {
      env: { GITHUB_TOKEN: 'ghp_x', GITHUB_API_URL: 'ftp://ghe' },
      says: /GITHUB_API_URL "ftp:\/\/ghe": must be an http/,
    },
    {
      env: { GITHUB_TOKEN: 'ghp_x', GITHUB_API_URL: 'http://ghe.example.com/api/v3' },
      says: /GITHUB_API_URL "[^"]+": must be https:\/\/ unless the host is a loopback address/,
    },
  ])('fails fast: $env', ({ env, says }) => {
    expect(failure([], env)).toMatch(says);
  });

  describe('as a GitHub App', () => {
    const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n';
    const APP = { GITHUB_APP_ID: '123', GITHUB_APP_INSTALLATION_ID: '42' };

    it('takes the key inline or from a file', async () => {
      const { mkdtemp, writeFile } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const dir = await mkdtemp(path.join(tmpdir(), 'gf-app-key-'));
      const file = path.join(dir, 'app.pem');
      await writeFile(file, PEM);
      const want = {
        github: {
          app: { appId: 123, privateKey: PEM, installationId: 42 },
          apiUrl: 'https://api.github.com',
        },
      };
      expect(serve([], { ...APP, GITHUB_APP_PRIVATE_KEY: PEM })).toMatchObject(want);
      expect(serve([], { ...APP, GITHUB_APP_PRIVATE_KEY_FILE: file })).toMatchObject(want);
      expect(serve([], { ...APP, GITHUB_APP_PRIVATE_KEY: PEM }).github?.token).toBeUndefined();
    });

    it.each([
      {
        env: { GITHUB_APP_ID: '123', GITHUB_APP_PRIVATE_KEY: PEM },
        says: /needs GITHUB_APP_INSTALLATION_ID/,
      },
      { env: { GITHUB_APP_INSTALLATION_ID: '42' }, says: /needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY or/ },
      {
        env: { ...APP, GITHUB_APP_PRIVATE_KEY: PEM, GITHUB_TOKEN: 'ghp_x' },
        says: /both set: authenticate with one/,
      },
      {
        env: { ...APP, GITHUB_APP_PRIVATE_KEY: 'not a key secret123' },
        says: /GITHUB_APP_PRIVATE_KEY: must be the PEM/,
      },
      {
        env: { ...APP, GITHUB_APP_PRIVATE_KEY_FILE: '/nonexistent/app.pem' },
        says: /cannot read \/nonexistent\/app.pem \(ENOENT\)/,
      },
      {
        env: { ...APP, GITHUB_APP_ID: 'abc', GITHUB_APP_PRIVATE_KEY: PEM },
        says: /GITHUB_APP_ID "abc": must be a whole number/,
      },
    ])('fails fast: $says', ({ env, says }) => {
      const msg = failure([], env);
      expect(msg).toMatch(says);
      expect(msg).not.toContain('secret123');
    });
  });

  it('never echoes GITHUB_TOKEN', () => {
    const msg = failure([], { GITHUB_TOKEN: 'ghp_secret hunter2' });
    expect(msg).toMatch(/GITHUB_TOKEN: must not contain whitespace/);
    expect(msg).not.toContain('hunter2');
  });
});
