import {
  EmptyResultSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import { connectClient, driveTo, seedHierarchy, useClient, WS } from '../helpers/mcp.js';

const c = useClient();

const TREE = 'governance://acme/web/tree';
const AUDIT = 'governance://acme/web/audit';
const item = (id: string) => `governance://acme/web/items/${id}`;

async function read(uri: string): Promise<any> {
  const r = await c().client.readResource({ uri });
  expect(r.contents).toHaveLength(1);
  expect(r.contents[0]).toMatchObject({ uri, mimeType: 'application/json' });
  return JSON.parse((r.contents[0] as { text: string }).text);
}

async function readError(uri: string): Promise<McpError> {
  const e: unknown = await c()
    .client.readResource({ uri })
    .then(
      () => undefined,
      (x: unknown) => x,
    );
  expect(e).toBeInstanceOf(McpError);
  return e as McpError;
}

describe('resources', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
    await c().ok('create_item', { workspace: 'acme/api', type: 'epic', title: 'API' });
    await c().ok('create_item', { workspace: 'other/site', type: 'epic', title: 'Site' });
  });

  it('lists the nine templates', async () => {
    const { resourceTemplates } = await c().client.listResourceTemplates();
    expect(resourceTemplates.map((t) => [t.name, t.uriTemplate, t.mimeType])).toEqual([
      ['hierarchy-tree', 'governance://{owner}/{repo}/tree', 'application/json'],
      ['work-item', 'governance://{owner}/{repo}/items/{id}', 'application/json'],
      ['audit-log', 'governance://{owner}/{repo}/audit', 'application/json'],
      ['config', 'governance://{owner}/{repo}/config', 'application/json'],
      ['spec', 'governance://{owner}/{repo}/specs/{specId}', 'application/json'],
      ['github-sync', 'governance://{owner}/{repo}/sync', 'application/json'],
      ['agents', 'governance://{owner}/{repo}/agents', 'application/json'],
      ['compliance', 'governance://{owner}/{repo}/compliance', 'application/json'],
      ['dashboard', 'governance://{owner}/{repo}/dashboard', 'application/json'],
    ]);
  });

  it('lists the tree, audit log, configuration and sync state of every known workspace', async () => {
    const { resources } = await c().client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      'governance://acme/api/tree',
      'governance://acme/web/tree',
      'governance://other/site/tree',
      'governance://acme/api/audit',
      'governance://acme/web/audit',
      'governance://other/site/audit',
      'governance://acme/api/config',
      'governance://acme/web/config',
      'governance://other/site/config',
      'governance://acme/api/sync',
      'governance://acme/web/sync',
      'governance://other/site/sync',
      'governance://acme/api/agents',
      'governance://acme/web/agents',
      'governance://other/site/agents',
      'governance://acme/api/compliance',
      'governance://acme/web/compliance',
      'governance://other/site/compliance',
      'governance://acme/api/dashboard',
      'governance://acme/web/dashboard',
      'governance://other/site/dashboard',
    ]);
    expect(resources[1]).toMatchObject({
      name: 'acme/web tree',
      title: 'Hierarchy of acme/web',
      mimeType: 'application/json',
    });
  });

  it('reads the tree depth-first with totals', async () => {
    await driveTo(c(), 'T-3', 'done');
    const tree = await read(TREE);
    expect(tree).toMatchObject({ workspace: WS, total: 9, truncated: false });
    expect(tree.items.map((i: { id: string }) => i.id)).toEqual([
      'E-1',
      'F-2',
      'T-3',
      'T-4',
      'T-5',
      'F-6',
      'T-7',
      'T-8',
      'T-9',
    ]);
    expect(tree.items[1]).toEqual({
      id: 'F-2',
      type: 'feature',
      title: 'Cart',
      status: 'in_progress',
      priority: 'medium',
      agent: null,
      parentId: 'E-1',
      depth: 1,
      progress: 33,
    });
    // Empty only for a workspace that exists (as get_item_tree).
    await expect(read('governance://acme/nothing/tree')).rejects.toThrow(/WORKSPACE\.NOT_FOUND/);
  });

  it('reads one item with its links and children', async () => {
    await c().ok('link_items', { workspace: WS, fromId: 'T-3', kind: 'blocks', toId: 'F-6' });
    const f6 = await read(item('F-6'));
    expect(f6).toMatchObject({ blocks: [], dependsOn: ['T-3'], childIds: ['T-7', 'T-8', 'T-9'] });
    expect(f6.item).toMatchObject({ id: 'F-6', type: 'feature', parentId: 'E-1', status: 'planning' });
  });

  it('reads an item in the same projection get_item returns (no storage internals)', async () => {
    expect(await read(item('T-3'))).toEqual(await c().ok('get_item', { workspace: WS, id: 'T-3' }));
  });

  it('reads the audit log newest first', async () => {
    const log = await read(AUDIT);
    expect(log.workspace).toBe(WS);
    expect(log.records.map((r: { seq: number }) => r.seq)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(log.records[0]).toMatchObject({ entityId: 'T-9', action: 'item.created', tool: 'create_item' });
  });

  it.each([
    { uri: item('T-99'), code: 'ITEM.NOT_FOUND' },
    { uri: 'governance://acme/web%20x/tree', code: 'WORKSPACE.INVALID' },
    { uri: 'governance://-acme/web/audit', code: 'WORKSPACE.INVALID' },
  ])('answers $uri with a protocol error carrying $code', async ({ uri, code }) => {
    const e = await readError(uri);
    expect(e.code).toBe(-32602);
    expect(e.message).toContain(code);
    expect(e.data).toMatchObject({ code, hint: expect.any(String) });
  });

  it('refuses a URI no template matches', async () => {
    const e = await readError('governance://acme/web/nothing');
    expect(e.code).toBeLessThan(0);
  });
});

const TEMPLATES: Record<string, string> = {
  tree: 'governance://{owner}/{repo}/tree',
  audit: 'governance://{owner}/{repo}/audit',
  item: 'governance://{owner}/{repo}/items/{id}',
  config: 'governance://{owner}/{repo}/config',
};

describe('completion', () => {
  beforeEach(async () => {
    await seedHierarchy(c());
    await c().ok('create_item', { workspace: 'acme/api', type: 'epic', title: 'API' });
    await c().ok('create_item', { workspace: 'other/site', type: 'epic', title: 'Site' });
  });

  const complete = async (uri: string, name: string, value: string, args?: Record<string, string>) =>
    (
      await c().client.complete({
        ref: { type: 'ref/resource', uri },
        argument: { name, value },
        ...(args && { context: { arguments: args } }),
      })
    ).completion.values;

  it.each<{
    template: string;
    name: string;
    value: string;
    args: Record<string, string> | undefined;
    values: string[];
  }>([
    { template: 'tree', name: 'owner', value: '', args: undefined, values: ['acme', 'other'] },
    { template: 'tree', name: 'owner', value: 'ac', args: undefined, values: ['acme'] },
    { template: 'audit', name: 'owner', value: 'zz', args: undefined, values: [] },
    { template: 'tree', name: 'repo', value: '', args: { owner: 'acme' }, values: ['api', 'web'] },
    { template: 'audit', name: 'repo', value: 'w', args: { owner: 'acme' }, values: ['web'] },
    { template: 'config', name: 'owner', value: 'o', args: undefined, values: ['other'] },
    { template: 'config', name: 'repo', value: '', args: { owner: 'acme' }, values: ['api', 'web'] },
    { template: 'tree', name: 'repo', value: '', args: undefined, values: ['api', 'web', 'site'] },
    {
      template: 'item',
      name: 'id',
      value: '',
      args: { owner: 'acme', repo: 'web' },
      values: ['E-1', 'F-2', 'T-3', 'T-4', 'T-5', 'F-6', 'T-7', 'T-8', 'T-9'],
    },
    {
      template: 'item',
      name: 'id',
      value: 'T',
      args: { owner: 'acme', repo: 'web' },
      values: ['T-3', 'T-4', 'T-5', 'T-7', 'T-8', 'T-9'],
    },
    {
      template: 'item',
      name: 'id',
      value: 'f-',
      args: { owner: 'acme', repo: 'web' },
      values: ['F-2', 'F-6'],
    },
    { template: 'item', name: 'id', value: 'E', args: { owner: 'acme', repo: 'api' }, values: ['E-1'] },
    { template: 'item', name: 'id', value: '%', args: { owner: 'acme', repo: 'web' }, values: [] },
    { template: 'item', name: 'id', value: 'T', args: undefined, values: [] },
    { template: 'item', name: 'owner', value: 'o', args: undefined, values: ['other'] },
  ])(
    'completes $name of $template from "$value" with $args',
    async ({ template, name, value, args, values }) => {
      const uri = TEMPLATES[template]!;
      expect(await complete(uri, name, value, args)).toEqual(values);
    },
  );

  it('offers a repo name once when several owners have it', async () => {
    await c().ok('create_item', { workspace: 'other/web', type: 'epic', title: 'Same repo name' });
    expect(await complete(TEMPLATES.tree!, 'repo', 'w')).toEqual(['web']);
  });
});

describe('subscriptions', () => {
  let updates: string[];
  beforeEach(() => {
    updates = [];
    c().client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
  });

  /** A round trip after the call: notifications sent before it have arrived. */
  const settle = () => c().client.ping();

  it('notifies a subscribed tree when an item is created, and stops after unsubscribe', async () => {
    await c().client.subscribeResource({ uri: TREE });
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'A' });
    await settle();
    expect(updates).toEqual([TREE]);

    await c().client.unsubscribeResource({ uri: TREE });
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'B' });
    await settle();
    expect(updates).toEqual([TREE]);
  });

  it.each([
    { case: 'a read', run: () => c().ok('get_item_tree', { workspace: WS }) },
    {
      case: 'a change elsewhere',
      run: () => c().ok('create_item', { workspace: 'acme/api', type: 'epic', title: 'X' }),
    },
    {
      case: 'a refused change',
      run: () => c().call('create_item', { workspace: WS, type: 'task', title: 'X' }),
    },
    { case: 'a milestone change', run: () => c().ok('upsert_milestone', { workspace: WS, title: 'v1' }) },
    {
      case: 'a no-op update',
      run: () => c().ok('update_item', { workspace: WS, id: 'E-1', expectedVersion: 1 }),
    },
  ])('does not notify the tree for $case', async ({ run }) => {
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'A' });
    await c().client.subscribeResource({ uri: TREE });
    await run();
    await settle();
    expect(updates).toEqual([]);
  });

  it('notifies the items a change touches and the audit log', async () => {
    await seedHierarchy(c());
    for (const uri of [item('T-3'), item('F-2'), item('E-1'), item('T-4'), AUDIT]) {
      await c().client.subscribeResource({ uri });
    }
    await c().ok('set_item_status', { workspace: WS, id: 'T-3', status: 'in_progress' });
    await settle();
    expect(new Set(updates)).toEqual(new Set([item('T-3'), item('F-2'), item('E-1'), AUDIT]));

    updates.length = 0;
    await c().ok('link_items', { workspace: WS, fromId: 'T-4', kind: 'blocks', toId: 'T-5' });
    await settle();
    expect(new Set(updates)).toEqual(new Set([item('T-4'), AUDIT]));
  });

  it('notifies a second client of the same deployment', async () => {
    const other = await connectClient({ share: c() });
    try {
      await c().client.subscribeResource({ uri: TREE });
      await other.ok('create_item', { workspace: WS, type: 'epic', title: 'From elsewhere' });
      await settle();
      expect(updates).toEqual([TREE]);
    } finally {
      await other.close();
    }
  });
});

describe('logging', () => {
  let messages: LoggingMessageNotification['params'][];
  beforeEach(() => {
    messages = [];
    c().client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
  });

  /** Swaps in a store whose reads fail the way a broken disk would. */
  function breakReads(): () => void {
    const deps = c().deps;
    const real: GovernanceStore = deps.store;
    const failing = new Proxy(real.reader, {
      get: () => async () => {
        throw new Error('SQLITE_IOERR at /var/lib/secret/governance.db');
      },
    });
    deps.store = { ...real, kind: real.kind, reader: failing, write: real.write, close: real.close };
    return () => {
      deps.store = real;
    };
  }

  it.each(['debug', 'info', 'warning', 'error', 'critical', 'emergency'] as const)(
    'accepts logging/setLevel %s',
    async (level) => {
      await expect(c().client.setLoggingLevel(level)).resolves.toEqual({});
    },
  );

  it('reports an unexpected failure as INTERNAL without internals and logs it to the client', async () => {
    await c().client.setLoggingLevel('error');
    const restore = breakReads();
    try {
      const r = await c().call('get_item', { workspace: WS, id: 'E-1' });
      expect(r.isError).toBe(true);
      const text = (r.content[0] as { text: string }).text;
      expect(text).toMatch(/^INTERNAL: /);
      expect(text).not.toContain('secret');
      await c().client.ping();
      expect(messages).toEqual([
        {
          level: 'error',
          logger: 'governance-factory',
          data: {
            err: 'internal error (see server log)',
            tool: 'get_item',
            msg: 'tool failed with an unexpected error',
          },
        },
      ]);
      // The server log keeps the error itself, stack included.
      const logged = c().logger.entries.find((e) => e.level === 'error');
      expect((logged?.obj as { err: unknown }).err).toBeInstanceOf(Error);
    } finally {
      restore();
    }
  });

  // One spelling, `warning`; `warn` (as --log-level takes it) is the same level. The client starts
  // at `critical`, so only a level that really took effect lets the error through.
  it.each([
    { level: 'warn', errorSent: true },
    { level: 'warning', errorSent: true },
    { level: 'emergency', errorSent: false },
  ])('logging/setLevel $level sends errors: $errorSent', async ({ level, errorSent }) => {
    await c().client.setLoggingLevel('critical');
    await c().client.request({ method: 'logging/setLevel', params: { level } }, EmptyResultSchema);
    const restore = breakReads();
    try {
      expect(await c().err('get_item', { workspace: WS, id: 'E-1' })).toBe('INTERNAL');
      await c().client.ping();
      expect(messages.map((m) => m.level)).toEqual(errorSent ? ['error'] : []);
    } finally {
      restore();
    }
  });

  it('refuses a level it does not know', async () => {
    await expect(
      c().client.request({ method: 'logging/setLevel', params: { level: 'verbose' } }, EmptyResultSchema),
    ).rejects.toBeInstanceOf(McpError);
  });

  it('sends nothing below the level the client set', async () => {
    await c().client.setLoggingLevel('critical');
    const restore = breakReads();
    try {
      expect(await c().err('get_item', { workspace: WS, id: 'E-1' })).toBe('INTERNAL');
      await c().client.ping();
      expect(messages).toEqual([]);
    } finally {
      restore();
    }
  });
});
