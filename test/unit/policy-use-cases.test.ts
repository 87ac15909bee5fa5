/**
 * Policy files as repo overrides, over real stores: the baseline a file is read over, its preview
 * and problems as data, and the sync through the configuration service (dry run and write).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import type { Caller } from '../../src/governance/ports/caller.js';
import type { PolicySource, PolicySources } from '../../src/governance/ports/policy-source.js';
import { createConfigService, type ConfigService } from '../../src/governance/use-cases/config-service.js';
import {
  checkPolicy,
  type BaselineConfig,
  policyBaseline,
  previewPolicy,
  validatePolicy,
} from '../../src/governance/use-cases/policy-preview.js';
import { policyLocation, syncPolicy } from '../../src/governance/use-cases/policy-sync.js';
import { createMemoryBus } from '../../src/store/memory/event-bus.js';
import { storeBackends, type OpenedStore } from '../helpers/store-backends.js';

const caller: Caller = {
  actor: { type: 'user', id: 'test:alice', name: 'Alice' },
  client: null,
  tool: null,
  correlationId: 'corr-1',
};
const clock = { now: () => '2025-01-15T10:00:00.000Z' };

let owners = 0;
const freshWorkspace = (): string => `policy${process.pid}-${++owners}/web`;

/** A source that serves the files it is given, as the GitHub and file adapters would. */
function filesSource(files: Map<string, string>): PolicySource {
  return {
    kind: 'file',
    read: async (workspace) => {
      const text = files.get(workspace);
      return text === undefined
        ? undefined
        : { text, origin: { kind: 'file', location: `/co/${workspace}` } };
    },
  };
}

async function failure(p: Promise<unknown>): Promise<{ code: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string };
  }
  throw new Error('expected a failure');
}

describe('policy files without a workspace', () => {
  const notRead = () => Promise.reject(new Error('no configuration is read without a workspace'));
  const unread: BaselineConfig = { effective: notRead, history: notRead };

  it('are read over the defaults and compared with them', async () => {
    const baseline = await policyBaseline(unread, undefined);
    expect(baseline).toEqual({ base: DEFAULT_CONFIG, current: DEFAULT_CONFIG });
    const preview = previewPolicy(baseline, 'generation:\n  maxFeaturesPerEpic: 4\n');
    expect(preview.override).toEqual({ generation: { maxFeaturesPerEpic: 4 } });
    expect(preview.effective.generation.maxFeaturesPerEpic).toBe(4);
    expect(preview.changes).toEqual([
      { path: 'generation.maxFeaturesPerEpic', old: DEFAULT_CONFIG.generation.maxFeaturesPerEpic, new: 4 },
    ]);
  });

  it.each([
    { name: 'YAML syntax', text: 'generation: [\n', path: null, line: 2 },
    {
      name: 'a bad value',
      text: 'generation:\n  maxFeaturesPerEpic: -1\n',
      path: 'generation.maxFeaturesPerEpic',
      line: 2,
    },
  ])('give $name back as issues with its line', async ({ text, path, line }) => {
    const check = checkPolicy(await policyBaseline(unread, undefined), text);
    expect(check).toMatchObject({ ok: false, issues: [{ path, line }] });
  });
});

describe.each(storeBackends)('policy use-cases: $name', (backend) => {
  let opened: OpenedStore;
  let config: ConfigService;
  const files = new Map<string, string>();
  let sources: PolicySources;

  beforeAll(async () => {
    opened = await backend.open();
    config = createConfigService({ store: opened.store, clock, bus: createMemoryBus() }, { maxAgeMs: 0 });
    sources = { file: filesSource(files) };
  });
  afterAll(async () => {
    config?.close();
    await opened?.cleanup();
  });

  it('reads a file over the org override and lists changes against the current configuration', async () => {
    const ws = freshWorkspace();
    await config.update(caller, {
      workspace: ws,
      scope: 'org',
      override: { generation: { maxFeaturesPerEpic: 5 } },
    });
    await config.update(caller, {
      workspace: ws,
      scope: 'repo',
      override: { generation: { maxTasksPerFeature: 9 } },
    });
    const baseline = await policyBaseline(config, ws);
    expect(baseline.base.generation.maxFeaturesPerEpic).toBe(5);
    expect(baseline.base.generation.maxTasksPerFeature).toBe(DEFAULT_CONFIG.generation.maxTasksPerFeature);
    expect(baseline.current.generation.maxTasksPerFeature).toBe(9);
    expect(baseline.comparedWith).toEqual({ workspace: ws, versions: { org: 1, repo: 1 } });

    // The file replaces the repo override: its maxTasksPerFeature is gone, the org value stays.
    const v = await validatePolicy({ config }, ws, { kind: 'text', text: 'labels: {}\n' });
    expect(v).toMatchObject({ ok: true, issues: [], comparedWith: baseline.comparedWith });
    expect(v.changes).toEqual([
      { path: 'generation.maxTasksPerFeature', old: 9, new: DEFAULT_CONFIG.generation.maxTasksPerFeature },
    ]);
    expect(v.effective?.generation.maxFeaturesPerEpic).toBe(5);
  });

  it('validates a file from a source, and refuses a source that is not configured', async () => {
    const ws = freshWorkspace();
    files.set(ws, 'generation:\n  maxFeaturesPerEpic: 0\n');
    const v = await validatePolicy({ config, policySources: sources }, ws, { kind: 'file' });
    expect(v).toMatchObject({ ok: false, changes: [], origin: { kind: 'file', location: `/co/${ws}` } });
    expect(v.issues[0]?.path).toBe('generation.maxFeaturesPerEpic');
    expect(await failure(validatePolicy({ config }, ws, { kind: 'github' }))).toMatchObject({
      code: 'POLICY.SOURCE_NOT_CONFIGURED',
    });
  });

  it('syncs: the dry run stores nothing, the sync stores the repo override with the location as reason', async () => {
    const ws = freshWorkspace();
    files.set(ws, 'generation:\n  maxFeaturesPerEpic: 3\n');
    const deps = { config, policySources: sources };
    const dry = await syncPolicy(deps, caller, { workspace: ws, kind: 'file', dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, changed: true, version: 0, previousVersion: 0 });
    expect(dry.changes.map((c) => c.path)).toEqual(['generation.maxFeaturesPerEpic']);
    expect((await config.history({ workspace: ws, scope: 'repo' })).versions).toEqual([]);

    const done = await syncPolicy(deps, caller, { workspace: ws, kind: 'file', dryRun: false });
    expect(done).toMatchObject({ dryRun: false, changed: true, version: 1, previousVersion: 0 });
    expect(done.changes).toEqual(dry.changes);
    const [stored] = (await config.history({ workspace: ws, scope: 'repo' })).versions;
    expect(stored?.override).toEqual({ generation: { maxFeaturesPerEpic: 3 } });
    const [record] = await opened.store.reader.queryAudit(ws, { action: 'config.updated', limit: 1 });
    expect(record?.reason).toBe(`synced from ${policyLocation(done.origin)}`);

    const again = await syncPolicy(deps, caller, { workspace: ws, kind: 'file', dryRun: false });
    expect(again).toMatchObject({ changed: false, version: 1, changes: [] });
  });

  it('refuses to sync a file with problems', async () => {
    const ws = freshWorkspace();
    files.set(ws, 'generation: [\n');
    const err = await failure(
      syncPolicy({ config, policySources: sources }, caller, { workspace: ws, kind: 'file', dryRun: false }),
    );
    expect(err.code).toBe('POLICY.YAML_SYNTAX');
    expect((await config.history({ workspace: ws, scope: 'repo' })).versions).toEqual([]);
  });
});

it('names a blob by the first 12 characters of its SHA', () => {
  expect(policyLocation({ kind: 'github', location: 'https://x/y', sha: 'a'.repeat(40) })).toBe(
    `https://x/y (blob ${'a'.repeat(12)})`,
  );
  expect(policyLocation({ kind: 'file', location: '/co/a/b' })).toBe('/co/a/b');
});
