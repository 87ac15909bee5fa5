import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ACTOR_TYPES, type Actor } from '../governance/model/audit.js';
import { TOOLSETS, type Toolset } from '../mcp/toolsets.js';
import { isLoopbackHost, normalizeOrigin, unbracket } from './net.js';

/** A configuration the server cannot start with; the message names the variable or flag to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HttpConfig {
  host: string;
  /** 0 lets the OS pick a free port. */
  port: number;
  /** When set, /mcp requires `Authorization: Bearer <token>`. */
  authToken: string | undefined;
  /** Further bearer tokens, each acting as its own actor on the audit trail (GF_AUTH_TOKENS). */
  identities: { token: string; actor: Actor }[];
  /** Extra allowed Origin values, canonical `scheme://host[:port]`. */
  allowedOrigins: string[];
  /** Extra allowed Host header values, lower case. */
  allowedHosts: string[];
  sessionIdleSeconds: number;
  maxBodyBytes: number;
}

export type StoreConfig =
  { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string; schema: string };

export interface ServeConfig {
  command: 'http' | 'stdio';
  http: HttpConfig;
  store: StoreConfig;
  readOnly: boolean;
  /** Undefined: every toolset. */
  toolsets: Toolset[] | undefined;
  logLevel: LogLevel;
  actor: Actor;
}

export type Config = ServeConfig | { command: 'help' } | { command: 'version' };

/** What the defaults depend on besides the environment; injectable for tests. */
export interface SystemInfo {
  username(): string;
  homedir(): string;
}

const osInfo: SystemInfo = {
  username: () => {
    try {
      return os.userInfo().username;
    } catch {
      return process.env.USER ?? process.env.LOGNAME ?? 'unknown'; // no passwd entry (containers)
    }
  },
  homedir: () => os.homedir(),
};

/** Where each setting comes from: the flag wins over the environment variable. */
const SOURCES = {
  host: { flag: '--host', env: 'GF_HOST' },
  port: { flag: '--port', env: 'GF_PORT' },
  readOnly: { flag: '--read-only', env: 'GF_READ_ONLY' },
  toolsets: { flag: '--toolsets', env: 'GF_TOOLSETS' },
  dataDir: { flag: '--data-dir', env: 'GF_DATA_DIR' },
  logLevel: { flag: '--log-level', env: 'GF_LOG_LEVEL' },
  databaseUrl: { env: 'DATABASE_URL' },
  databaseSchema: { env: 'DATABASE_SCHEMA' },
  authToken: { env: 'GF_AUTH_TOKEN' },
  authTokens: { env: 'GF_AUTH_TOKENS' },
  allowedOrigins: { env: 'GF_ALLOWED_ORIGINS' },
  allowedHosts: { env: 'GF_ALLOWED_HOSTS' },
  sessionIdleSeconds: { env: 'GF_SESSION_IDLE_SECONDS' },
  maxBodyBytes: { env: 'GF_MAX_BODY_BYTES' },
  actorType: { env: 'GF_ACTOR_TYPE' },
  actorId: { env: 'GF_ACTOR_ID' },
  actorName: { env: 'GF_ACTOR_NAME' },
} as const satisfies Record<string, { flag?: string; env: string }>;
type Key = keyof typeof SOURCES;

/** Never echoed back in error messages. */
const SECRET: ReadonlySet<Key> = new Set<Key>(['authToken', 'authTokens', 'databaseUrl']);

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const list = <T>(item: z.ZodType<T, string>) =>
  z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(item));

const TRUE = ['true', '1', 'yes', 'on'];
const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => [...TRUE, 'false', '0', 'no', 'off'].includes(v), 'must be true or false (or 1/0)')
  .transform((v) => TRUE.includes(v));

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `"${String(iss.input)}" is not one of ${values.join(', ')}` });

const settings = z.object({
  host: z
    .string()
    .trim()
    .regex(/^[^\s/?#@]+$/, 'must be a host name or IP address')
    .transform(unbracket)
    .default('127.0.0.1'),
  port: int(0, 65535).default(8787),
  readOnly: bool.default(false),
  toolsets: list(oneOf(TOOLSETS))
    .refine((xs) => xs.length > 0, 'must name at least one of items, milestones, audit')
    .optional(),
  dataDir: z.string().trim().min(1, 'must not be empty').optional(),
  logLevel: oneOf(LOG_LEVELS).default('info'),
  databaseUrl: z
    .string()
    .trim()
    .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// connection string')
    .optional(),
  databaseSchema: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain SQL identifier (letters, digits, _)')
    .default('governance_factory'),
  authToken: z.string().regex(/^\S+$/, 'must not contain whitespace').optional(),
  authTokens: z
    .string()
    .transform((v, ctx) => {
      const out: { token: string; actor: Actor }[] = [];
      for (const [i, entry] of v
        .split(';')
        .map((e) => e.trim())
        .filter(Boolean)
        .entries()) {
        const m = /^([^\s=;]+)=(user|agent_service|system)\|([^|;]{1,200})(?:\|([^|;]{1,200}))?$/.exec(entry);
        if (!m) {
          // The entry itself holds a secret: name its position only.
          ctx.addIssue({
            code: 'custom',
            message: `entry ${i + 1} must look like <token>=<type>|<id>[|<name>]`,
          });
          continue;
        }
        const [, token, type, id, name] = m as unknown as [string, string, Actor['type'], string, string?];
        out.push({ token, actor: { type, id: id.trim(), name: (name ?? id).trim() } });
      }
      if (new Set(out.map((x) => x.token)).size !== out.length) {
        ctx.addIssue({ code: 'custom', message: 'the same token appears twice' });
      }
      return out;
    })
    .optional(),
  allowedOrigins: list(
    z.string().refine((v) => normalizeOrigin(v) !== undefined, {
      error: (iss) => `"${String(iss.input)}" is not an origin like https://app.example.com`,
    }),
  )
    .transform((xs) => xs.map((x) => normalizeOrigin(x)!))
    .default([]),
  allowedHosts: list(
    z
      .string()
      .toLowerCase()
      .regex(
        /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/,
        'each entry must be a host[:port] like mcp.example.com:443',
      ),
  ).default([]),
  sessionIdleSeconds: int(1, 7 * 24 * 3600).default(1800),
  // Room for a 1 MiB spec, twice over (diff_spec), once JSON-escaped.
  maxBodyBytes: int(256, 100 * 1024 * 1024).default(4 * 1024 * 1024),
  actorType: oneOf(ACTOR_TYPES).default('user'),
  actorId: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
  actorName: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
});

function isPostgresUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Reads the configuration from the command line (`argv` without node and the script) and the
 * environment, once, at startup. Throws ConfigError naming every bad setting.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, system: SystemInfo = osInfo): Config {
  const { flags, command } = parseCommandLine(argv);
  if (flags.help) return { command: 'help' };
  if (flags.version) return { command: 'version' };

  const raw: Partial<Record<Key, string>> = {};
  const from: Partial<Record<Key, string>> = {};
  for (const [key, src] of Object.entries(SOURCES) as [Key, { flag?: string; env: string }][]) {
    const flagName = src.flag?.slice(2);
    const flagValue = flagName ? flags[flagName as keyof typeof flags] : undefined;
    if (flagValue !== undefined && flagValue !== false) {
      raw[key] = flagValue === true ? 'true' : flagValue;
      from[key] = src.flag;
    } else if (env[src.env]?.trim()) {
      // An empty variable counts as unset, as shells and .env files often leave them.
      raw[key] = env[src.env];
      from[key] = src.env;
    }
  }

  const parsed = settings.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as Key;
      const name = from[key] ?? SOURCES[key].env;
      const value = raw[key];
      const shown = value === undefined || SECRET.has(key) ? '' : ` "${clip(value)}"`;
      return `${name}${shown}: ${issue.message}`;
    });
    throw new ConfigError(problems(lines));
  }
  const s = parsed.data;

  if (s.authToken && s.authTokens?.some((x) => x.token === s.authToken)) {
    throw new ConfigError(
      problems(['GF_AUTH_TOKENS: repeats GF_AUTH_TOKEN; give each identity its own token']),
    );
  }
  if (command === 'http' && !isLoopbackHost(s.host) && !s.authToken && !s.authTokens?.length) {
    throw new ConfigError(
      problems([
        `GF_AUTH_TOKEN is required when ${from.host ?? 'GF_HOST'} is not a loopback address (got "${s.host}"): ` +
          'anyone who can reach the port could read and change your data. Set GF_AUTH_TOKEN to a long random ' +
          'secret (e.g. `openssl rand -hex 32`), or bind to 127.0.0.1.',
      ]),
    );
  }

  const username = system.username();
  const store: StoreConfig = s.databaseUrl
    ? { kind: 'postgres', url: s.databaseUrl, schema: s.databaseSchema }
    : { kind: 'sqlite', dataDir: resolveDir(s.dataDir ?? defaultDataDir(env, system), system) };
  return {
    command,
    http: {
      host: s.host,
      port: s.port,
      authToken: s.authToken,
      identities: s.authTokens ?? [],
      allowedOrigins: s.allowedOrigins,
      allowedHosts: s.allowedHosts,
      sessionIdleSeconds: s.sessionIdleSeconds,
      maxBodyBytes: s.maxBodyBytes,
    },
    store,
    readOnly: s.readOnly,
    toolsets: s.toolsets,
    logLevel: s.logLevel,
    actor: {
      type: s.actorType,
      id: s.actorId ?? `local:${username}`,
      name: s.actorName ?? s.actorId ?? username,
    },
  };
}

function parseCommandLine(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'read-only': { type: 'boolean' },
        toolsets: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    // Node's messages go on about positionals after '--'; that part only confuses here.
    const msg =
      err instanceof Error
        ? (err.message.split(/\.?\s*To specify/)[0] ?? '').replace(/\s*\n\s*/g, ' ')
        : String(err);
    throw new ConfigError(problems([msg]));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new ConfigError(
      problems([`expected one command, got ${positionals.map((p) => `"${clip(p)}"`).join(' ')}`]),
    );
  }
  const cmd = positionals[0] ?? 'http';
  if (cmd !== 'http' && cmd !== 'stdio' && !values.help && !values.version) {
    throw new ConfigError(problems([`unknown command "${clip(cmd)}": expected http or stdio`]));
  }
  return { flags: values, command: cmd === 'stdio' ? ('stdio' as const) : ('http' as const) };
}

function defaultDataDir(env: NodeJS.ProcessEnv, system: SystemInfo): string {
  const xdg = env.XDG_DATA_HOME?.trim();
  // The XDG spec says to ignore a relative XDG_DATA_HOME.
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'governance-factory');
  return path.join(system.homedir(), '.local', 'share', 'governance-factory');
}

/** Expands a leading `~` (MCP client configs pass arguments without a shell) and makes it absolute. */
function resolveDir(dir: string, system: SystemInfo): string {
  const expanded = dir === '~' || dir.startsWith('~/') ? path.join(system.homedir(), dir.slice(1)) : dir;
  return path.resolve(expanded);
}

const clip = (v: string) => (v.length > 60 ? `${v.slice(0, 57)}...` : v);

function problems(lines: string[]): string {
  const body = lines.length === 1 ? lines[0]! : lines.map((l) => `\n  - ${l}`).join('');
  return `invalid configuration: ${body}\nRun \`governance-factory --help\` for the options.`;
}
