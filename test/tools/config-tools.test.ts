import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { useClient, WS } from '../helpers/mcp.js';

const c = useClient();

const update = (args: Record<string, unknown>) =>
  c().ok('update_config', { workspace: WS, scope: 'repo', reason: 'test', ...args });

describe('get_config', () => {
  it('returns the defaults and no stored override for a new workspace', async () => {
    expect(await c().ok('get_config', { workspace: WS })).toEqual({
      workspace: WS,
      config: DEFAULT_CONFIG,
      versions: { org: null, repo: null },
      overrides: { org: null, repo: null },
    });
  });

  it('returns one section alone', async () => {
    await update({ override: { generation: { maxFeaturesPerEpic: 4 }, milestones: { autoCreate: true } } });
    const r = await c().ok('get_config', { workspace: WS, section: 'generation' });
    expect(Object.keys(r.config)).toEqual(['generation']);
    expect(r.config.generation.maxFeaturesPerEpic).toBe(4);
    expect(r.overrides.repo).toMatchObject({
      version: 1,
      updatedBy: 'test:alice',
      override: { generation: { maxFeaturesPerEpic: 4 } },
    });
  });

  it.each([
    { name: 'an unknown section', args: { workspace: WS, section: 'nope' }, code: 'INPUT.INVALID' },
    { name: 'a bad workspace', args: { workspace: 'acme' }, code: 'INPUT.INVALID' },
  ])('refuses $name', async ({ args, code }) => {
    expect(await c().err('get_config', args)).toBe(code);
  });
});

describe('update_config', () => {
  it('stores a version that get_config then reflects, audited once', async () => {
    const before = await c().auditSeq();
    const r = await update({ override: { generation: { maxTasksPerFeature: 6 } }, expectedVersion: 0 });
    expect(r).toEqual({
      scope: 'repo',
      key: WS,
      version: 1,
      previousVersion: 0,
      changed: true,
      changes: [{ path: 'generation.maxTasksPerFeature', old: null, new: 6 }],
      changesTotal: 1,
      versions: { org: null, repo: 1 },
    });
    const got = await c().ok('get_config', { workspace: WS, section: 'generation' });
    expect(got.config.generation.maxTasksPerFeature).toBe(6);
    expect(got.versions).toEqual({ org: null, repo: 1 });
    const records = await c().auditAfter(before);
    expect(records.map((a) => [a.action, a.entityType, a.reason])).toEqual([
      ['config.updated', 'workspace', 'test'],
    ]);
  });

  it('is idempotent: the same override again changes nothing', async () => {
    const override = { milestones: { autoCreate: true } };
    await update({ override });
    const seq = await c().auditSeq();
    expect(await update({ override })).toMatchObject({ version: 1, changed: false, changes: [] });
    expect(await c().auditSeq()).toBe(seq);
  });

  it('applies the repo override over the org one, and the org one to every repo of the owner', async () => {
    await c().ok('update_config', {
      workspace: WS,
      scope: 'org',
      override: { generation: { maxFeaturesPerEpic: 5, maxTasksPerFeature: 7 } },
      reason: 'org policy',
    });
    await update({ override: { generation: { maxFeaturesPerEpic: 3 } } });
    const web = await c().ok('get_config', { workspace: WS, section: 'generation' });
    expect(web.versions).toEqual({ org: 1, repo: 1 });
    expect(web.config.generation).toMatchObject({ maxFeaturesPerEpic: 3, maxTasksPerFeature: 7 });
    const api = await c().ok('get_config', { workspace: 'acme/api', section: 'generation' });
    expect(api.versions).toEqual({ org: 1, repo: null });
    expect(api.config.generation).toMatchObject({ maxFeaturesPerEpic: 5, maxTasksPerFeature: 7 });
    const other = await c().ok('get_config', { workspace: 'other/web', section: 'generation' });
    expect(other.config.generation).toEqual(DEFAULT_CONFIG.generation);
  });

  describe('refusals change nothing', () => {
    beforeEach(async () => {
      await c().ok('update_config', {
        workspace: WS,
        scope: 'org',
        override: { structure: { allowUnparentedTasks: true } },
        reason: 'allow loose tasks',
      });
      await c().ok('create_item', { workspace: WS, type: 'task', title: 'Loose task' });
    });

    it.each<{ name: string; args: Record<string, unknown>; code: string; path?: string }>([
      {
        name: 'a stale expectedVersion',
        args: { override: { milestones: { autoCreate: true } }, expectedVersion: 2 },
        code: 'CONFIG.VERSION_CONFLICT',
      },
      {
        name: 'an unknown override path',
        args: { override: { generation: { maxFeaturesPerEpik: 3 } } },
        code: 'CONFIG.INVALID',
        path: 'generation.maxFeaturesPerEpik',
      },
      {
        name: 'an out-of-range value',
        args: { override: { generation: { maxFeaturesPerEpic: 0 } } },
        code: 'CONFIG.INVALID',
        path: 'generation.maxFeaturesPerEpic',
      },
      {
        name: 'an override that makes the merged result invalid',
        args: {
          override: {
            templates: { epic: { requiredChildFeatures: ['A', 'B', 'C'] } },
            generation: { maxFeaturesPerEpic: 2 },
          },
        },
        code: 'CONFIG.INVALID',
        path: 'templates.epic.requiredChildFeatures',
      },
      {
        name: 'a repo override forbidding unparented tasks while one exists',
        args: { override: { structure: { allowUnparentedTasks: false } } },
        code: 'CONFIG.WOULD_ORPHAN',
      },
      {
        name: 'an org override forbidding them while one exists',
        args: { scope: 'org', override: {}, expectedVersion: 1 },
        code: 'CONFIG.WOULD_ORPHAN',
      },
    ])('refuses $name with $code', async ({ args, code, path }) => {
      const seq = await c().auditSeq();
      const before = await c().ok('get_config', { workspace: WS });
      const failure = await c().failure('update_config', {
        workspace: WS,
        scope: 'repo',
        reason: 'test',
        ...args,
      });
      expect(failure.code).toBe(code);
      if (path) expect(JSON.stringify(failure.details)).toContain(path);
      expect(await c().auditSeq()).toBe(seq);
      expect(await c().ok('get_config', { workspace: WS })).toEqual(before);
    });
  });

  it.each([
    { name: 'an unknown scope', args: { scope: 'team', override: {} } },
    { name: 'a missing reason', args: { override: {}, reason: undefined } },
    { name: 'a non-object override', args: { override: [1, 2] } },
    { name: 'a negative expectedVersion', args: { override: {}, expectedVersion: -1 } },
  ])('refuses $name as bad input', async ({ args }) => {
    const seq = await c().auditSeq();
    const call = { workspace: WS, scope: 'repo', reason: 'test', ...args };
    expect(await c().err('update_config', JSON.parse(JSON.stringify(call)))).toBe('INPUT.INVALID');
    expect(await c().auditSeq()).toBe(seq);
  });
});
