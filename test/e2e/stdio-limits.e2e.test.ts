/**
 * Input limits on the built server over stdio, speaking raw newline-delimited JSON-RPC: a line
 * over GF_MAX_BODY_BYTES gets a JSON-RPC error naming the limit and the server keeps serving;
 * so does a line that is not JSON; 10,000-deep arguments and non-object arguments are refused.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, cleanEnv, requireBuild, ROOT, tempDir } from '../helpers/spawn-server.js';

const DEFAULT_LIMIT = 4 * 1024 * 1024;

interface RawServer {
  proc: ChildProcessWithoutNullStreams;
  send(line: string): void;
  /** The next message with this id (null included) not taken yet. */
  reply(id: number | string | null): Promise<any>;
  stderr(): string;
  stop(): Promise<number | null>;
}

async function startStdio(env: Record<string, string>): Promise<RawServer> {
  const proc = spawn(process.execPath, [BIN, 'stdio'], { cwd: ROOT, env: cleanEnv(env) });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const inbox: any[] = [];
  const waiters: (() => void)[] = [];
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      inbox.push(JSON.parse(out.slice(0, nl)));
      out = out.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const server: RawServer = {
    proc,
    send: (line) => void proc.stdin.write(`${line}\n`),
    async reply(id) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const i = inbox.findIndex((m) => 'id' in m && m.id === id);
        if (i >= 0) return inbox.splice(i, 1)[0];
        if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}):\n${err}`);
        if (Date.now() > deadline) throw new Error(`no reply with id ${id}:\n${err}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    stderr: () => err,
    async stop() {
      proc.stdin.end();
      return exited;
    },
  };
  server.send(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  );
  await server.reply('init');
  server.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  return server;
}

const request = (id: number, method: string, params?: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) });

describe('built server over stdio: input limits', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let s: RawServer;
  let next = 1;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    s = await startStdio({ GF_DATA_DIR: data.dir });
  });
  afterAll(async () => {
    if (s) expect(await s.stop()).toBe(0);
    await data?.cleanup();
  });

  /** tools/list still answers: the server is alive and reading. */
  async function stillServing(): Promise<void> {
    const id = next++;
    s.send(request(id, 'tools/list'));
    const r = await s.reply(id);
    expect(r.result.tools.length).toBeGreaterThan(0);
  }

  const big = (bytes: number) => 'x'.repeat(bytes);
  it.each([
    {
      name: 'an 11 MiB line, id first',
      line: (id: number) =>
        `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"get_item","arguments":{"workspace":"${big(11 * 1024 * 1024)}"}}}`,
      idKnown: true,
    },
    {
      name: 'an 11 MiB line, id last (as the SDK writes it)',
      line: (id: number) =>
        `{"method":"tools/call","params":{"name":"get_item","arguments":{"workspace":"${big(11 * 1024 * 1024)}"}},"jsonrpc":"2.0","id":${id}}`,
      idKnown: true,
    },
    {
      name: 'a line just over the limit with no id to recover',
      line: () => `{"method":"tools/call","params":{"x":"${big(DEFAULT_LIMIT)}","id":1}}`,
      idKnown: false,
    },
  ])('$name: JSON-RPC -32600 naming the limit, then keeps serving', async ({ line, idKnown }) => {
    const id = next++;
    s.send(line(id));
    const r = await s.reply(idKnown ? id : null);
    expect(r.error.code).toBe(-32600);
    expect(r.error.message).toContain(`the limit is ${DEFAULT_LIMIT} bytes (GF_MAX_BODY_BYTES)`);
    await stillServing();
    // The log line reaches stderr in its own write, possibly after the reply.
    await vi.waitFor(() => expect(s.stderr()).toContain('message over GF_MAX_BODY_BYTES discarded'), {
      timeout: 5000,
    });
  });

  it('answers a line that is not JSON with -32700 and keeps serving', async () => {
    s.send('{"jsonrpc": "2.0", "id": 1, oops');
    expect((await s.reply(null)).error.code).toBe(-32700);
    await stillServing();
  });

  it('refuses 10,000-deep arguments with INPUT.INVALID naming the depth limit', async () => {
    const id = next++;
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    s.send(
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"get_item","arguments":{"workspace":"acme/web","id":${deep}}}}`,
    );
    const r = await s.reply(id);
    expect(r.result.isError).toBe(true);
    expect(r.result._meta['governance-factory/error']).toMatchObject({
      code: 'INPUT.INVALID',
      message: expect.stringContaining('nested deeper than 64 levels'),
    });
    await stillServing();
  });

  it.each([{ args: 5 }, { args: [] }, { args: null }])(
    'answers arguments $args with -32602 Invalid params',
    async ({ args }) => {
      const id = next++;
      s.send(request(id, 'tools/call', { name: 'get_item', arguments: args }));
      const r = await s.reply(id);
      expect(r.error.code).toBe(-32602);
      expect(r.error.message).toContain('arguments must be an object');
      expect(r.error.message.length).toBeLessThan(160);
    },
  );
});

describe('built server over stdio with GF_MAX_BODY_BYTES', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let s: RawServer;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    s = await startStdio({ GF_DATA_DIR: data.dir, GF_MAX_BODY_BYTES: '1024' });
  });
  afterAll(async () => {
    if (s) await s.stop();
    await data?.cleanup();
  });

  it('takes a line at the limit and refuses one byte more', async () => {
    const call = (id: number, pad: number) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/list","params":{"_meta":{"pad":"${'p'.repeat(pad)}"}}}`;
    const base = call(1, 0).length;
    s.send(call(1, 1024 - base));
    expect((await s.reply(1)).result.tools.length).toBeGreaterThan(0);
    s.send(call(2, 1025 - base));
    const r = await s.reply(2);
    expect(r.error).toMatchObject({
      code: -32600,
      message: expect.stringContaining('the limit is 1024 bytes'),
    });
  });
});
