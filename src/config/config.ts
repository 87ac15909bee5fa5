import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ACTOR_TYPES, type Actor } from '../governance/model/audit.js';
import { TOOLSETS, type Toolset } from '../mcp/toolsets.js';
import { parseEd25519PrivateKey } from '../shared/ed25519-key.js';
import { canonicalLevel } from '../shared/log-levels.js';
import { isLoopbackHost, normalizeOrigin, unbracket } from './net.js';

/** A configuration the server cannot start with; the message names the variable or flag to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Process log levels, spelt as in MCP (`warning`); `warn` is read as `warning` (shared/log-levels.ts). */
export const LOG_LEVELS = ['fatal', 'error', 'warning', 'info', 'debug', 'trace', 'silent'] as const;
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
  /**
   * Open sessions per bearer token; without authentication, for the whole server, whose least
   * recently used idle session then makes room for a new one.
   */
  maxSessions: number;
  /** GITHUB_WEBHOOK_SECRET: POST /webhooks/github exists only when set (deliveries are checked against it). */
  webhookSecret?: string;
}

export interface StdioConfig {
  /** Longer lines are discarded and answered with a JSON-RPC error (GF_MAX_BODY_BYTES, as for HTTP). */
  maxLineBytes: number;
}

export type StoreConfig =
  { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string; schema: string };

/** Where configuration documents live when not in the SQL store. */
export interface DocumentsConfig {
  kind: 'mongodb';
  url: string;
  db: string;
}

/** An OpenAI-compatible provider; exists only when OPENAI_BASE_URL and a planning model are set. */
export interface ModelProviderConfig {
  baseUrl: string;
  apiKey: string | undefined;
  /** Fallback chains, first choice first; analysis and writing default to the planning chain. */
  models: { planning: string[]; analysis: string[]; writing: string[] };
  timeoutMs: number;
}

/** GitHub access; exists only when GITHUB_TOKEN or the GITHUB_APP_* settings are given. */
export interface GitHubConfig {
  /** A token (GITHUB_TOKEN), or absent when the server authenticates as a GitHub App. */
  token?: string;
  /** A GitHub App installation (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY[_FILE], GITHUB_APP_INSTALLATION_ID). */
  app?: { appId: number; privateKey: string; installationId: number };
  /** Without a trailing slash; GitHub Enterprise Server is https://HOST/api/v3. */
  apiUrl: string;
  /** GITHUB_WRITE_INTERVAL_MS: the least time between two content-creating requests (770 ms = 80 a minute). */
  writeIntervalMs: number;
  /** GF_GITHUB_TOKENS: a GitHub token per caller (audit actor id), used over the default for that caller. */
  callerTokens?: Record<string, string>;
}

export interface ServeConfig {
  command: 'http' | 'stdio';
  http: HttpConfig;
  stdio: StdioConfig;
  store: StoreConfig;
  /** Absent: configuration documents stay in the SQL store. */
  documents?: DocumentsConfig;
  readOnly: boolean;
  /** Undefined: every toolset. */
  toolsets: Toolset[] | undefined;
  logLevel: LogLevel;
  actor: Actor;
  /** Absent: no model provider, and no spec is ever sent to one. */
  model?: ModelProviderConfig;
  /** Absent: no GITHUB_TOKEN, so policy files are not read from GitHub. */
  github?: GitHubConfig;
  /** GF_POLICY_DIR, absolute: a directory of repository checkouts holding policy files. */
  policyDir?: string;
  audit: AuditConfig;
  /** GF_JOB_LEASE_MS: how long a job runner's lease lasts unrenewed before another may take the job over. */
  jobLeaseMs: number;
  /** GF_RECONCILE_INTERVAL_MS: how often every synced workspace is reconciled with GitHub; absent (0): never. */
  reconcileIntervalMs?: number;
}

/** Where the audit signing key comes from, and how often heads are checkpointed. */
export interface AuditConfig {
  /** GF_AUDIT_SIGNING_KEY (an Ed25519 private key, checked here): wins over the key file. */
  signingKey?: string;
  /** GF_AUDIT_KEY_FILE, absolute; created on first use when missing and no key is given. */
  keyFile: string;
  /** GF_AUDIT_CHECKPOINT_MINUTES: a checkpoint of every moved head this often; 0 turns it off. */
  checkpointMinutes: number;
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
  mongodbUrl: { env: 'MONGODB_URL' },
  mongodbDb: { env: 'MONGODB_DB' },
  authToken: { env: 'GF_AUTH_TOKEN' },
  authTokens: { env: 'GF_AUTH_TOKENS' },
  allowedOrigins: { env: 'GF_ALLOWED_ORIGINS' },
  allowedHosts: { env: 'GF_ALLOWED_HOSTS' },
  sessionIdleSeconds: { env: 'GF_SESSION_IDLE_SECONDS' },
  maxBodyBytes: { env: 'GF_MAX_BODY_BYTES' },
  maxSessions: { env: 'GF_MAX_SESSIONS' },
  actorType: { env: 'GF_ACTOR_TYPE' },
  actorId: { env: 'GF_ACTOR_ID' },
  actorName: { env: 'GF_ACTOR_NAME' },
  openaiBaseUrl: { env: 'OPENAI_BASE_URL' },
  openaiApiKey: { env: 'OPENAI_API_KEY' },
  modelPlanning: { env: 'GF_MODEL_PLANNING' },
  modelAnalysis: { env: 'GF_MODEL_ANALYSIS' },
  modelWriting: { env: 'GF_MODEL_WRITING' },
  modelTimeoutMs: { env: 'GF_MODEL_TIMEOUT_MS' },
  githubToken: { env: 'GITHUB_TOKEN' },
  githubApiUrl: { env: 'GITHUB_API_URL' },
  githubAppId: { env: 'GITHUB_APP_ID' },
  githubAppPrivateKey: { env: 'GITHUB_APP_PRIVATE_KEY' },
  githubAppPrivateKeyFile: { env: 'GITHUB_APP_PRIVATE_KEY_FILE' },
  githubAppInstallationId: { env: 'GITHUB_APP_INSTALLATION_ID' },
  policyDir: { env: 'GF_POLICY_DIR' },
  auditSigningKey: { env: 'GF_AUDIT_SIGNING_KEY' },
  auditKeyFile: { env: 'GF_AUDIT_KEY_FILE' },
  auditCheckpointMinutes: { env: 'GF_AUDIT_CHECKPOINT_MINUTES' },
  jobLeaseMs: { env: 'GF_JOB_LEASE_MS' },
  reconcileIntervalMs: { env: 'GF_RECONCILE_INTERVAL_MS' },
  githubWriteIntervalMs: { env: 'GITHUB_WRITE_INTERVAL_MS' },
  githubTokens: { env: 'GF_GITHUB_TOKENS' },
  githubWebhookSecret: { env: 'GITHUB_WEBHOOK_SECRET' },
} as const satisfies Record<string, { flag?: string; env: string }>;
type Key = keyof typeof SOURCES;

/** Never echoed back in error messages. */
const SECRET: ReadonlySet<Key> = new Set<Key>([
  'authToken',
  'authTokens',
  'databaseUrl',
  'mongodbUrl',
  'openaiBaseUrl',
  'openaiApiKey',
  'githubToken',
  'githubTokens',
  'githubAppPrivateKey',
  'auditSigningKey',
  'githubWebhookSecret',
]);

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

const modelChain = list(
  z
    .string()
    .max(200, 'each model name must be at most 200 characters')
    .regex(/^\S+$/, 'model names must not contain whitespace'),
).refine((xs) => xs.length > 0, 'must name at least one model');

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
  logLevel: z
    .preprocess((v) => (typeof v === 'string' ? canonicalLevel(v) : v), oneOf(LOG_LEVELS))
    .default('info'),
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
  mongodbUrl: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// connection string')
    .optional(),
  // MongoDB's rules for database names (no path or shell characters), so a typo fails at start-up.
  mongodbDb: z
    .string()
    .trim()
    .regex(/^[^/\\. "$*<>:|?]{1,63}$/, 'must be a MongoDB database name (no / \\ . " $ or spaces)')
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
  maxSessions: int(1, 100_000).default(100),
  actorType: oneOf(ACTOR_TYPES).default('user'),
  actorId: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
  actorName: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
  // Secret: a base URL may carry credentials in its user info or query.
  openaiBaseUrl: z.string().trim().refine(isHttpUrl, 'must be an http:// or https:// URL').optional(),
  openaiApiKey: z.string().trim().regex(/^\S+$/, 'must not contain whitespace').optional(),
  modelPlanning: modelChain.optional(),
  modelAnalysis: modelChain.optional(),
  modelWriting: modelChain.optional(),
  modelTimeoutMs: int(1000, 600_000).default(60_000),
  githubToken: z.string().trim().regex(/^\S+$/, 'must not contain whitespace').optional(),
  githubApiUrl: z
    .string()
    .trim()
    .refine(isHttpUrl, 'must be an http:// or https:// URL')
    // The token goes with every request: plain http only where it cannot leave the machine.
    .refine(
      (v) => !isHttpUrl(v) || new URL(v).protocol === 'https:' || isLoopbackHost(new URL(v).hostname),
      'must be https:// unless the host is a loopback address',
    )
    .transform((v) => v.replace(/\/+$/, ''))
    .default('https://api.github.com'),
  githubAppId: int(1, 2 ** 53 - 1).optional(),
  githubAppPrivateKey: z
    .string()
    .refine(
      (v) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v),
      'must be the PEM private key of the GitHub App',
    )
    .optional(),
  githubAppPrivateKeyFile: z.string().trim().min(1, 'must not be empty').optional(),
  githubAppInstallationId: int(1, 2 ** 53 - 1).optional(),
  policyDir: z.string().trim().min(1, 'must not be empty').optional(),
  auditSigningKey: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseEd25519PrivateKey(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional(),
  auditKeyFile: z.string().trim().min(1, 'must not be empty').optional(),
  auditCheckpointMinutes: int(0, 7 * 24 * 60).default(15),
  jobLeaseMs: int(500, 10 * 60_000).default(30_000),
  // Each period reads every synced repository in bulk: not more often than once a minute.
  reconcileIntervalMs: int(0, 7 * 24 * 3600_000)
    .refine((v) => v === 0 || v >= 60_000, 'must be 0 (off) or at least 60000 (one minute)')
    .default(0),
  githubWriteIntervalMs: int(0, 60_000).default(770),
  githubTokens: z
    .string()
    .transform((v, ctx) => {
      const out: Record<string, string> = {};
      for (const [i, entry] of v
        .split(';')
        .map((e) => e.trim())
        .filter(Boolean)
        .entries()) {
        const m = /^([^\s=;|]{1,200})=(\S{1,400})$/.exec(entry);
        // The entry holds a secret: name its position only.
        if (!m)
          ctx.addIssue({
            code: 'custom',
            message: `entry ${i + 1} must look like <actor id>=<github token>`,
          });
        else if (Object.hasOwn(out, m[1]!))
          ctx.addIssue({ code: 'custom', message: `entry ${i + 1} repeats an actor` });
        else out[m[1]!] = m[2]!;
      }
      return out;
    })
    .optional(),
  githubWebhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
});

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

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

  const model = modelProvider(s);
  const username = system.username();
  const dataDir = resolveDir(s.dataDir ?? defaultDataDir(env, system), system);
  const store: StoreConfig = s.databaseUrl
    ? { kind: 'postgres', url: s.databaseUrl, schema: s.databaseSchema }
    : { kind: 'sqlite', dataDir };
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
      maxSessions: s.maxSessions,
      ...(s.githubWebhookSecret !== undefined && { webhookSecret: s.githubWebhookSecret }),
    },
    stdio: { maxLineBytes: s.maxBodyBytes },
    store,
    ...(s.mongodbUrl ? { documents: { kind: 'mongodb' as const, url: s.mongodbUrl, db: s.mongodbDb } } : {}),
    readOnly: s.readOnly,
    toolsets: s.toolsets,
    logLevel: s.logLevel,
    actor: {
      type: s.actorType,
      id: s.actorId ?? `local:${username}`,
      name: s.actorName ?? s.actorId ?? username,
    },
    ...(model ? { model } : {}),
    ...githubAccess(s, system),
    ...(s.policyDir ? { policyDir: resolveDir(s.policyDir, system) } : {}),
    audit: {
      ...(s.auditSigningKey ? { signingKey: s.auditSigningKey } : {}),
      keyFile: s.auditKeyFile
        ? resolveDir(s.auditKeyFile, system)
        : path.join(dataDir, 'audit-signing-key.pem'),
      checkpointMinutes: s.auditCheckpointMinutes,
    },
    jobLeaseMs: s.jobLeaseMs,
    ...(s.reconcileIntervalMs > 0 && { reconcileIntervalMs: s.reconcileIntervalMs }),
  };
}

/** GITHUB_TOKEN, or a GitHub App installation: never both, and an app needs all three of its settings. */
function githubAccess(s: z.output<typeof settings>, system: SystemInfo): { github?: GitHubConfig } {
  const appKeyGiven = s.githubAppPrivateKey !== undefined || s.githubAppPrivateKeyFile !== undefined;
  const anyApp = s.githubAppId !== undefined || appKeyGiven || s.githubAppInstallationId !== undefined;
  const callers =
    s.githubTokens && Object.keys(s.githubTokens).length > 0 ? { callerTokens: s.githubTokens } : {};
  const base = { apiUrl: s.githubApiUrl, writeIntervalMs: s.githubWriteIntervalMs, ...callers };
  if (!anyApp)
    return s.githubToken
      ? { github: { token: s.githubToken, ...base } }
      : callers.callerTokens
        ? { github: base }
        : {};
  const missing = [
    ...(s.githubAppId === undefined ? ['GITHUB_APP_ID'] : []),
    ...(!appKeyGiven ? ['GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE'] : []),
    ...(s.githubAppInstallationId === undefined ? ['GITHUB_APP_INSTALLATION_ID'] : []),
  ];
  if (s.githubToken) {
    throw new ConfigError(
      problems(['GITHUB_TOKEN and GITHUB_APP_* are both set: authenticate with one of them, not both']),
    );
  }
  if (missing.length > 0) {
    throw new ConfigError(problems([`a GitHub App needs ${missing.join(', ')} as well`]));
  }
  if (s.githubAppPrivateKey !== undefined && s.githubAppPrivateKeyFile !== undefined) {
    throw new ConfigError(
      problems(['GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are both set: give one']),
    );
  }
  let privateKey = s.githubAppPrivateKey;
  if (privateKey === undefined) {
    const file = resolveDir(s.githubAppPrivateKeyFile!, system);
    try {
      privateKey = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(
        problems([
          `GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        ]),
      );
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
      throw new ConfigError(problems([`GITHUB_APP_PRIVATE_KEY_FILE: ${file} is not a PEM private key`]));
    }
  }
  return {
    github: {
      app: { appId: s.githubAppId!, privateKey, installationId: s.githubAppInstallationId! },
      ...base,
    },
  };
}

/**
 * The provider the settings name, if any. Never a default endpoint: a spec goes only where
 * OPENAI_BASE_URL says, so models without it are an error (OPENAI_API_KEY alone is not: other
 * tools read it too, and by itself it sends nothing anywhere).
 */
function modelProvider(s: z.output<typeof settings>): ModelProviderConfig | undefined {
  const named = s.modelPlanning ?? s.modelAnalysis ?? s.modelWriting;
  if (!s.openaiBaseUrl) {
    if (!named) return undefined;
    throw new ConfigError(
      problems([
        "GF_MODEL_* names a model but OPENAI_BASE_URL is not set: set it to the provider's " +
          'OpenAI-compatible endpoint (e.g. http://127.0.0.1:11434/v1); no default endpoint is assumed',
      ]),
    );
  }
  if (!s.modelPlanning) {
    throw new ConfigError(
      problems([
        'OPENAI_BASE_URL is set but GF_MODEL_PLANNING is not: name the model(s) to use, comma separated, ' +
          'first choice first (e.g. GF_MODEL_PLANNING=gpt-4.1,gpt-4.1-mini)',
      ]),
    );
  }
  return {
    baseUrl: s.openaiBaseUrl,
    apiKey: s.openaiApiKey,
    models: {
      planning: s.modelPlanning,
      analysis: s.modelAnalysis ?? s.modelPlanning,
      writing: s.modelWriting ?? s.modelPlanning,
    },
    timeoutMs: s.modelTimeoutMs,
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
