import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolEntry } from '../../src/mcp/tool-schema.js';
import { loadTools } from '../../src/mcp/registry.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { ALL_TOOLS, READ_TOOLS } from '../helpers/tool-names.js';
import { BIN, callOk, cleanEnv, connectStdio, requireBuild, ROOT, tempDir } from '../helpers/spawn-server.js';

const allTools = await loadTools(toolCatalog);

const WS = 'acme/web';

describe('built server over stdio', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
  });
  afterAll(async () => {
    await data?.cleanup();
  });

  it.each([
    { name: 'default', args: [], tools: ALL_TOOLS },
    { name: '--read-only', args: ['--read-only'], tools: READ_TOOLS },
    {
      name: '--toolsets audit',
      args: ['--toolsets', 'audit'],
      tools: ['query_audit', 'verify_audit', 'export_audit', 'checkpoint_audit'],
    },
  ])('lists exactly the tools ($name)', async ({ args, tools }) => {
    const s = await connectStdio({ args, env: { GF_DATA_DIR: data.dir } });
    try {
      const { tools: listed } = await s.client.listTools();
      expect(listed.map((t) => t.name)).toEqual(tools);
    } finally {
      await s.close();
    }
  });

  it('advertises exactly the entries the definitions produce (the bundle inlines them at build time)', async () => {
    const s = await connectStdio({ env: { GF_DATA_DIR: data.dir } });
    try {
      const { tools: listed } = await s.client.listTools();
      expect(listed).toEqual(allTools.map(toolEntry));
    } finally {
      await s.close();
    }
  });

  it('creates a hierarchy, rolls status up, keeps the audit chain, logs to stderr only', async () => {
    const s = await connectStdio({ env: { GF_DATA_DIR: data.dir } });
    try {
      const { item: epic } = await callOk(s.client, 'create_item', {
        workspace: WS,
        type: 'epic',
        title: 'Checkout',
      });
      const { item: feature } = await callOk(s.client, 'create_item', {
        workspace: WS,
        type: 'feature',
        title: 'Pay by card',
        parentId: epic.id,
      });
      const { item: task } = await callOk(s.client, 'create_item', {
        workspace: WS,
        type: 'task',
        title: 'Card form',
        parentId: feature.id,
      });

      const started = await callOk(s.client, 'set_item_status', {
        workspace: WS,
        id: task.id,
        status: 'in_progress',
      });
      expect(started.item.status).toBe('in_progress');
      const { item: epicNow } = await callOk(s.client, 'get_item', { workspace: WS, id: epic.id });
      expect(epicNow.status).toBe('in_progress');

      const audit = await callOk(s.client, 'verify_audit', { workspace: WS });
      expect(audit).toMatchObject({ ok: true, firstBad: null });
      expect(audit.headSeq).toBeGreaterThanOrEqual(4);

      // Logs are pino JSON lines on stderr (pino loads just after start-up, so they may lag a
      // little); stdout carried only protocol messages.
      await expect.poll(() => s.stderr(), { timeout: 5000 }).toContain('"msg":"ready"');
      await expect.poll(() => s.stderr(), { timeout: 5000 }).toContain('"msg":"store opened"');
      expect(s.transportErrors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('answers requests piped before stdin closes, writes only JSON-RPC to stdout, exits 0', async () => {
    const proc = spawn(process.execPath, [BIN, 'stdio'], {
      cwd: ROOT,
      env: cleanEnv({ GF_DATA_DIR: data.dir, GF_LOG_LEVEL: 'debug' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'pipe', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        // A read that answers on an empty store (get_item_tree there is WORKSPACE.NOT_FOUND).
        params: { name: 'list_workspaces', arguments: {} },
      },
    ];
    proc.stdin.end(messages.map((m) => JSON.stringify(m)).join('\n') + '\n');

    expect(await exit).toBe(0);
    const lines = out.split('\n').filter((l) => l !== '');
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.every((m) => m.jsonrpc === '2.0')).toBe(true);
    const responses = parsed.filter((m) => 'id' in m);
    expect(responses.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(responses[2].result.isError).toBeFalsy();
    expect(err).toContain('"msg":"stopped"');
  });
});
