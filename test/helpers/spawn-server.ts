/**
 * Spawning the BUILT server (dist/governance-factory.js) for e2e suites, over stdio and HTTP.
 * dist/ is built by test/e2e/global-setup.ts; call `requireBuild()` in a beforeAll.
 *
 *   const s = await connectStdio({ env: { GF_DATA_DIR: dir } });
 *   const { item } = await callOk(s.client, 'create_item', { workspace: 'acme/web', type: 'epic', title: 'E' });
 *   await s.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { inject } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'dist', 'governance-factory.js');

/** Fails the suite with the build output when the global setup could not build dist/. */
export function requireBuild(): void {
  const err = inject('e2eBuildError');
  if (err) throw new Error(err);
}

/** A fresh temp directory and its removal. */
export async function tempDir(prefix = 'gf-e2e-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Variables the server reads: a developer's or CI's own never leak into a spawned server. */
const OURS = /^(GF_|DATABASE_|OPENAI_|GITHUB_TOKEN$|GITHUB_API_URL$|MONGODB_)/;

/** The parent's environment without settings of ours (a test passes the ones it means). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !OURS.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

export interface StdioServer {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Errors the client transport saw (a non-JSON line on stdout would show up here). */
  transportErrors: Error[];
  close(): Promise<void>;
}

export async function connectStdio(
  opts: { args?: string[]; env?: Record<string, string> } = {},
): Promise<StdioServer> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'stdio', ...(opts.args ?? [])],
    // Merged over the SDK's minimal default environment (PATH, HOME, ...).
    env: opts.env ?? {},
    stderr: 'pipe',
    cwd: ROOT,
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const transportErrors: Error[] = [];
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  client.onerror = (e) => transportErrors.push(e);
  await client.connect(transport);
  return { client, stderr: () => stderr, transportErrors, close: () => client.close() };
}

/** Calls a tool, fails on an error result, returns its structuredContent. */
export async function callOk<T = any>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent as T;
}

/** A port nothing listens on right now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface HttpServerProcess {
  proc: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** <base>/mcp */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `node dist/governance-factory.js http --port <free>` and waits until /healthz answers. */
export async function startHttp(
  opts: { args?: string[]; env?: Record<string, string> } = {},
): Promise<HttpServerProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'http', '--port', String(port), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`server exited (${proc.exitCode ?? proc.signalCode}) before listening:\n${err}`);
    }
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not answer /healthz within 15 s:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    proc,
    port,
    base,
    url: `${base}/mcp`,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** An SDK client over streamable HTTP; `headers` go on every request. */
export async function connectHttp(
  url: string,
  headers: Record<string, string> = {},
  name = 'e2e-http',
): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined. */
  json: any;
}

/** A plain HTTP request through node:http, which (unlike fetch) lets a test forge the Host header. */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Headers of a raw streamable-HTTP MCP request, for tests that speak the wire protocol by hand. */
export const MCP_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
};
export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
export const LIST = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });

/** The headers of a request in `session`, with the caller's bearer token when given. */
export const inSession = (session: string, token?: string): Record<string, string> => ({
  ...MCP_HEADERS,
  ...(token ? { Authorization: `Bearer ${token}` } : {}),
  'mcp-session-id': session,
  'mcp-protocol-version': '2025-06-18',
});
