/** What a stored configuration changes elsewhere: the config resource, validate_policy, the hierarchy rules. */
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { connectClient, useClient, WS } from '../helpers/mcp.js';

const c = useClient();
const CONFIG = 'governance://acme/web/config';

const update = (args: Record<string, unknown>, workspace = WS) =>
  c().ok('update_config', { workspace, scope: 'repo', reason: 'test', ...args });

async function read(uri: string): Promise<any> {
  const r = await c().client.readResource({ uri });
  return JSON.parse((r.contents[0] as { text: string }).text);
}

describe('config resource', () => {
  let updates: string[];
  beforeEach(() => {
    updates = [];
    c().client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
  });
  const settle = () => c().client.ping();

  it('reads the effective configuration with the merged versions', async () => {
    expect(await read(CONFIG)).toEqual({
      workspace: WS,
      versions: { org: null, repo: null },
      config: DEFAULT_CONFIG,
    });
    await update({ override: { milestones: { defaultDurationDays: 7 } } });
    const r = await read(CONFIG);
    expect(r.versions).toEqual({ org: null, repo: 1 });
    expect(r.config.milestones.defaultDurationDays).toBe(7);
  });

  it.each([
    {
      name: 'a repo update notifies that repo only',
      scope: 'repo',
      subscribed: [CONFIG, 'governance://acme/api/config', 'governance://acme/web/tree'],
      notified: [CONFIG],
    },
    {
      name: 'an org update notifies every repo of the owner',
      scope: 'org',
      subscribed: [CONFIG, 'governance://acme/api/config', 'governance://other/web/config'],
      notified: [CONFIG, 'governance://acme/api/config'],
    },
  ])('$name', async ({ scope, subscribed, notified }) => {
    for (const uri of subscribed) await c().client.subscribeResource({ uri });
    await update({ scope, override: { milestones: { autoCreate: true } } });
    await settle();
    expect(updates.sort()).toEqual([...notified].sort());
    // Nothing stored, nothing to tell.
    updates.length = 0;
    await update({ scope, override: { milestones: { autoCreate: true } } });
    await settle();
    expect(updates).toEqual([]);
  });

  it('answers a second connection on the same store with the update at once', async () => {
    const other = await connectClient({ share: c() });
    try {
      expect((await other.ok('get_config', { workspace: WS })).versions.repo).toBeNull();
      await update({ override: { milestones: { autoCreate: true } } });
      expect((await other.ok('get_config', { workspace: WS })).versions.repo).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe('validate_policy with a workspace', () => {
  beforeEach(async () => {
    await c().ok('update_config', {
      workspace: WS,
      scope: 'org',
      override: { generation: { maxFeaturesPerEpic: 5 } },
      reason: 'org',
    });
    await update({ override: { generation: { maxTasksPerFeature: 4 } } });
  });

  it.each([
    {
      name: 'lists changes against the current effective configuration',
      yaml: 'generation:\n  maxTasksPerFeature: 4\n  autoTaskBreakdown: false\n',
      changes: [{ path: 'generation.autoTaskBreakdown', old: true, new: false }],
    },
    {
      name: 'shows that an empty file drops the repo override (org values stay)',
      yaml: '# nothing\n',
      changes: [
        { path: 'generation.maxTasksPerFeature', old: 4, new: DEFAULT_CONFIG.generation.maxTasksPerFeature },
      ],
    },
  ])('$name', async ({ yaml, changes }) => {
    const r = await c().ok('validate_policy', { source: { kind: 'text', yaml }, workspace: WS });
    expect(r).toEqual({
      ok: true,
      issues: [],
      changes,
      comparedWith: { workspace: WS, versions: { org: 1, repo: 1 } },
      effective: expect.any(Object),
    });
    // The effective configuration with the file is the current one with exactly these changes.
    const current = (await c().ok('get_config', { workspace: WS })).config;
    const at = (o: any, path: string) => path.split('.').reduce((x, k) => x?.[k], o);
    for (const ch of changes) {
      expect(at(current, ch.path)).toEqual(ch.old);
      expect(at(r.effective, ch.path)).toEqual(ch.new);
    }
  });

  it('checks the file over the org override, with line numbers', async () => {
    await c().ok('update_config', {
      workspace: WS,
      scope: 'org',
      override: { templates: { epic: { requiredChildFeatures: ['A', 'B', 'C'] } } },
      expectedVersion: 1,
      reason: 'org',
    });
    // Fine over the defaults (8 features allowed), invalid over this org (3 required).
    const yaml = 'generation:\n  maxFeaturesPerEpic: 2\n';
    expect((await c().ok('validate_policy', { source: { kind: 'text', yaml } })).ok).toBe(true);
    const r = await c().ok('validate_policy', { source: { kind: 'text', yaml }, workspace: WS });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ path: 'templates.epic.requiredChildFeatures' });
  });

  it('changes nothing', async () => {
    const seq = await c().auditSeq();
    await c().ok('validate_policy', {
      source: { kind: 'text', yaml: 'structure:\n  allowUnparentedTasks: true\n' },
      workspace: WS,
    });
    expect(await c().auditSeq()).toBe(seq);
    expect((await c().ok('get_config', { workspace: WS })).versions).toEqual({ org: 1, repo: 1 });
  });
});

describe('structure.allowUnparentedTasks decides unparented tasks', () => {
  const looseTask = () => c().call('create_item', { workspace: WS, type: 'task', title: 'Loose' });

  it('refuses them by default, allows them once configured, and protects them while they exist', async () => {
    expect(await c().err('create_item', { workspace: WS, type: 'task', title: 'Loose' })).toBe(
      'HIERARCHY.PARENT_REQUIRED',
    );
    await update({ override: { structure: { allowUnparentedTasks: true } } });
    const task = (await c().ok('create_item', { workspace: WS, type: 'task', title: 'Loose' })).item;
    expect(task.parentId).toBeNull();

    const seq = await c().auditSeq();
    expect(
      await c().err('update_config', {
        workspace: WS,
        scope: 'repo',
        override: { structure: { allowUnparentedTasks: false } },
        reason: 'tighten',
      }),
    ).toBe('CONFIG.WOULD_ORPHAN');
    expect(await c().auditSeq()).toBe(seq);
    expect((await c().ok('get_config', { workspace: WS, section: 'structure' })).config).toEqual({
      structure: { allowUnparentedTasks: true },
    });

    // Under a feature, the task no longer stands in the way.
    const epic = (await c().ok('create_item', { workspace: WS, type: 'epic', title: 'E' })).item;
    const feature = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'F', parentId: epic.id })
    ).item;
    await c().ok('move_item', { workspace: WS, id: task.id, parentId: feature.id, expectedVersion: 1 });
    await update({ override: { structure: { allowUnparentedTasks: false } } });

    expect((await looseTask()).isError).toBe(true);
    expect(
      await c().err('move_item', { workspace: WS, id: task.id, parentId: null, expectedVersion: 2 }),
    ).toBe('HIERARCHY.PARENT_REQUIRED');
  });

  it.each([
    { name: 'the org override', org: true, repo: undefined, allowed: true },
    { name: 'the repo override over the org one', org: true, repo: false, allowed: false },
    { name: 'the repo override alone', org: undefined, repo: true, allowed: true },
  ])('follows $name', async ({ org, repo, allowed }) => {
    if (org !== undefined) {
      await update({ scope: 'org', override: { structure: { allowUnparentedTasks: org } } });
    }
    if (repo !== undefined) await update({ override: { structure: { allowUnparentedTasks: repo } } });
    const r = await looseTask();
    expect(r.isError ?? false).toBe(!allowed);
  });

  it('applies a change made through another connection to the next write', async () => {
    const other = await connectClient({ share: c() });
    try {
      await other.ok('update_config', {
        workspace: WS,
        scope: 'repo',
        override: { structure: { allowUnparentedTasks: true } },
        reason: 'elsewhere',
      });
      expect((await looseTask()).isError ?? false).toBe(false);
    } finally {
      await other.close();
    }
  });
});
