/**
 * Configuration use-cases over real stores: versioned updates with audit and event, refusals that
 * leave nothing written, org -> repo precedence, and the service's cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import type { Actor } from '../../src/governance/model/audit.js';
import type { DomainEvent } from '../../src/governance/model/events.js';
import type { Caller } from '../../src/governance/ports/caller.js';
import type { CoreDeps } from '../../src/governance/ports/core-deps.js';
import { getEffectiveConfig } from '../../src/governance/use-cases/config-effective.js';
import { configHistory, createConfigService } from '../../src/governance/use-cases/config-service.js';
import { updateConfig, type UpdateConfigCommand } from '../../src/governance/use-cases/config-update.js';
import { verifyAudit } from '../../src/governance/use-cases/verify-audit.js';
import { createMemoryBus } from '../../src/store/memory/event-bus.js';
import { makeItem } from '../contract/store-fixtures.js';
import { storeBackends, type OpenedStore } from '../helpers/store-backends.js';

const ALICE: Actor = { type: 'user', id: 'test:alice', name: 'Alice' };
const caller: Caller = { actor: ALICE, client: null, tool: null, correlationId: 'corr-1' };

let owners = 0;
const freshOwner = (): string => `cfguc${process.pid}-${++owners}`;

function clock(start = '2025-01-15T10:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t).toISOString(), advance: (ms: number) => void (t += ms) };
}

async function failure(p: Promise<unknown>): Promise<{ code: string; details?: any; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; details?: any; message: string };
  }
  throw new Error('expected a failure');
}

describe.each(storeBackends)('configuration use-cases: $name', (backend) => {
  let opened: OpenedStore;
  let deps: CoreDeps & { clock: ReturnType<typeof clock> };
  let events: DomainEvent[];

  beforeAll(async () => {
    opened = await backend.open();
    events = [];
    deps = { store: opened.store, clock: clock(), bus: createMemoryBus() };
    deps.bus.subscribe((e) => {
      events.push(e);
    });
  });
  afterAll(() => opened?.cleanup());

  const update = (cmd: UpdateConfigCommand) => updateConfig(deps, caller, cmd);
  const auditSeq = async (ws: string) => (await deps.store.reader.auditHead(ws))?.seq ?? 0;
  const versionsOf = async (scope: 'org' | 'repo', key: string) =>
    (await deps.store.reader.listConfigVersions(scope, key, 100)).map((d) => d.version);

  /** Asserts a refused update left no version, audit record or event behind. */
  async function expectNothingWritten(ws: string, before: { seq: number; events: number }) {
    expect(await auditSeq(ws)).toBe(before.seq);
    expect(events.length).toBe(before.events);
    expect(await deps.store.outbox.pending()).toEqual([]);
  }

  it('gives the defaults when nothing is stored', async () => {
    const ws = `${freshOwner()}/web`;
    expect(await getEffectiveConfig(deps, ws)).toEqual({ config: DEFAULT_CONFIG, versions: {} });
  });

  it('stores each update as a new version and keeps the old ones', async () => {
    const ws = `${freshOwner()}/web`;
    const r1 = await update({
      workspace: ws,
      scope: 'repo',
      override: { generation: { maxFeaturesPerEpic: 5 } },
    });
    expect(r1).toMatchObject({ scope: 'repo', key: ws, version: 1, previousVersion: 0, changed: true });
    expect(r1.effective.config.generation.maxFeaturesPerEpic).toBe(5);
    const r2 = await update({
      workspace: ws,
      scope: 'repo',
      override: { generation: { maxFeaturesPerEpic: 6 } },
      expectedVersion: 1,
    });
    expect(r2).toMatchObject({ version: 2, previousVersion: 1 });
    expect(r2.changes).toEqual([{ path: 'generation.maxFeaturesPerEpic', old: 5, new: 6 }]);

    const history = await configHistory(deps, { workspace: ws, scope: 'repo' });
    expect(history.versions.map((v) => [v.version, v.override, v.updatedBy])).toEqual([
      [2, { generation: { maxFeaturesPerEpic: 6 } }, ALICE.id],
      [1, { generation: { maxFeaturesPerEpic: 5 } }, ALICE.id],
    ]);
    const page = await configHistory(deps, { workspace: ws, scope: 'repo', limit: 1 });
    expect(page.versions.map((v) => v.version)).toEqual([2]);
    expect(page.nextBeforeVersion).toBe(2);
    const rest = await configHistory(deps, { workspace: ws, scope: 'repo', limit: 1, beforeVersion: 2 });
    expect(rest.versions.map((v) => v.version)).toEqual([1]);
    expect(rest.nextBeforeVersion).toBeUndefined();
  });

  it('audits the update with its diff and emits config.updated, in an intact chain', async () => {
    const ws = `${freshOwner()}/web`;
    const seq = await auditSeq(ws);
    await update({
      workspace: ws,
      scope: 'repo',
      override: { milestones: { autoCreate: true }, templates: { task: { defaultLabels: ['t'] } } },
      reason: 'pilot',
    });
    await update({ workspace: ws, scope: 'repo', override: { milestones: { autoCreate: false } } });
    const [first, second] = await deps.store.reader.auditRange(ws, seq, 10);
    expect(first).toMatchObject({
      entityType: 'workspace',
      entityId: ws,
      action: 'config.updated',
      actor: ALICE,
      reason: 'pilot',
      correlationId: 'corr-1',
      diff: {
        'repo:(version)': { old: null, new: 1 },
        'repo:milestones.autoCreate': { old: null, new: true },
        'repo:templates.task.defaultLabels': { old: null, new: ['t'] },
      },
    });
    expect(second?.diff).toEqual({
      'repo:(version)': { old: 1, new: 2 },
      'repo:milestones.autoCreate': { old: true, new: false },
      'repo:templates.task.defaultLabels': { old: ['t'], new: null },
    });
    const mine = events.filter((e) => e.workspace === ws);
    expect(mine.map((e) => [e.type, e.payload])).toEqual([
      [
        'config.updated',
        {
          scope: 'repo',
          key: ws,
          version: 1,
          previousVersion: 0,
          paths: ['templates.task.defaultLabels', 'milestones.autoCreate'],
        },
      ],
      [
        'config.updated',
        {
          scope: 'repo',
          key: ws,
          version: 2,
          previousVersion: 1,
          paths: ['templates.task.defaultLabels', 'milestones.autoCreate'],
        },
      ],
    ]);
    expect((await verifyAudit(deps.store.reader, ws)).ok).toBe(true);
  });

  it('does nothing when the override is the stored one', async () => {
    const ws = `${freshOwner()}/web`;
    const override = { milestones: { defaultDurationDays: 10 } };
    await update({ workspace: ws, scope: 'repo', override });
    const before = { seq: await auditSeq(ws), events: events.length };
    const again = await update({ workspace: ws, scope: 'repo', override, expectedVersion: 1 });
    expect(again).toMatchObject({ version: 1, previousVersion: 1, changed: false, changes: [] });
    await expectNothingWritten(ws, before);
    expect(await versionsOf('repo', ws)).toEqual([1]);
  });

  it('refuses a stale expectedVersion: CONFIG.VERSION_CONFLICT, nothing stored or audited', async () => {
    const ws = `${freshOwner()}/web`;
    await update({ workspace: ws, scope: 'repo', override: { milestones: { autoCreate: true } } });
    await update({ workspace: ws, scope: 'repo', override: { milestones: { autoCreate: false } } });
    const before = { seq: await auditSeq(ws), events: events.length };
    const err = await failure(
      update({
        workspace: ws,
        scope: 'repo',
        override: { milestones: { defaultDurationDays: 3 } },
        expectedVersion: 1,
      }),
    );
    expect(err.code).toBe('CONFIG.VERSION_CONFLICT');
    expect(err.details).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
    // Even an override equal to the stored one is a conflict when the version read is stale.
    expect(
      (
        await failure(
          update({
            workspace: ws,
            scope: 'repo',
            override: { milestones: { autoCreate: false } },
            expectedVersion: 0,
          }),
        )
      ).code,
    ).toBe('CONFIG.VERSION_CONFLICT');
    await expectNothingWritten(ws, before);
    expect(await versionsOf('repo', ws)).toEqual([2, 1]);
  });

  it.each([
    ['a wrong type', { generation: { maxFeaturesPerEpic: 'many' } }, 'repo', 'generation.maxFeaturesPerEpic'],
    ['an unknown key', { generation: { maxFeatures: 3 } }, 'repo', 'generation.maxFeatures'],
    ['a bad colour', { labels: { type: { epic: { color: '#fff' } } } }, 'repo', 'labels.type.epic.color'],
    [
      'an invalid merge',
      {
        templates: { epic: { requiredChildFeatures: ['a', 'b', 'c'] } },
        generation: { maxFeaturesPerEpic: 2 },
      },
      'effective',
      'templates.epic.requiredChildFeatures',
    ],
  ])('refuses %s: CONFIG.INVALID with the path, nothing stored', async (_name, override, source, path) => {
    const ws = `${freshOwner()}/web`;
    const before = { seq: await auditSeq(ws), events: events.length };
    const err = await failure(update({ workspace: ws, scope: 'repo', override }));
    expect(err.code).toBe('CONFIG.INVALID');
    expect(err.details).toMatchObject({ source, issues: [expect.objectContaining({ path })] });
    await expectNothingWritten(ws, before);
    expect(await versionsOf('repo', ws)).toEqual([]);
  });

  it('refuses an org override that breaks a repository of the owner, naming it', async () => {
    const owner = freshOwner();
    const [a, b] = [`${owner}/a`, `${owner}/b`];
    await update({
      workspace: b,
      scope: 'repo',
      override: { templates: { epic: { requiredChildFeatures: ['x', 'y', 'z'] } } },
    });
    const err = await failure(
      update({ workspace: a, scope: 'org', override: { generation: { maxFeaturesPerEpic: 2 } } }),
    );
    expect(err.code).toBe('CONFIG.INVALID');
    expect(err.details).toMatchObject({ source: 'effective', workspace: b });
    expect(await versionsOf('org', owner)).toEqual([]);
  });

  it('merges defaults <- org <- repo, the repository winning', async () => {
    const owner = freshOwner();
    const [a, b] = [`${owner}/a`, `${owner}/b`];
    await update({
      workspace: a,
      scope: 'org',
      override: { generation: { maxFeaturesPerEpic: 5, maxTasksPerFeature: 7 } },
    });
    await update({ workspace: a, scope: 'repo', override: { generation: { maxFeaturesPerEpic: 3 } } });
    const ea = await getEffectiveConfig(deps, a);
    expect(ea.versions).toEqual({ org: 1, repo: 1 });
    expect(ea.config.generation).toMatchObject({ maxFeaturesPerEpic: 3, maxTasksPerFeature: 7 });
    const eb = await getEffectiveConfig(deps, b);
    expect(eb.versions).toEqual({ org: 1 });
    expect(eb.config.generation).toMatchObject({ maxFeaturesPerEpic: 5, maxTasksPerFeature: 7 });
    expect(eb.config.templates).toEqual(DEFAULT_CONFIG.templates);
  });

  describe('orphaned tasks', () => {
    async function withRootTasks(ws: string, n: number) {
      await deps.store.write(ws, async (tx) => {
        await tx.setPolicy(ws, { allowUnparentedTasks: true });
        for (let i = 1; i <= n; i++) await tx.insertItem(makeItem(ws, [i], { type: 'task', id: `T-${i}` }));
      });
    }

    it('refuses to forbid unparented tasks while some exist, naming up to 10', async () => {
      const ws = `${freshOwner()}/web`;
      await withRootTasks(ws, 12);
      await update({ workspace: ws, scope: 'repo', override: { structure: { allowUnparentedTasks: true } } });
      const before = { seq: await auditSeq(ws), events: events.length };
      const err = await failure(
        update({
          workspace: ws,
          scope: 'repo',
          override: { structure: { allowUnparentedTasks: false } },
          expectedVersion: 1,
        }),
      );
      expect(err.code).toBe('CONFIG.WOULD_ORPHAN');
      expect(err.details).toEqual({
        workspaces: [
          { workspace: ws, tasks: Array.from({ length: 10 }, (_, i) => `T-${i + 1}`), more: true },
        ],
      });
      await expectNothingWritten(ws, before);
      expect(await versionsOf('repo', ws)).toEqual([1]);
      // Dropping the override falls back to the default (false): the same refusal.
      expect((await failure(update({ workspace: ws, scope: 'repo', override: {} }))).code).toBe(
        'CONFIG.WOULD_ORPHAN',
      );
    });

    it('refuses an unrelated update that would leave a policy-allowed workspace forbidding them', async () => {
      const ws = `${freshOwner()}/web`;
      await withRootTasks(ws, 1);
      const err = await failure(
        update({ workspace: ws, scope: 'repo', override: { milestones: { autoCreate: true } } }),
      );
      expect(err.code).toBe('CONFIG.WOULD_ORPHAN');
      await update({
        workspace: ws,
        scope: 'repo',
        override: { milestones: { autoCreate: true }, structure: { allowUnparentedTasks: true } },
      });
    });

    it('checks every known repository of the owner on an org update', async () => {
      const owner = freshOwner();
      const [a, b] = [`${owner}/a`, `${owner}/b`];
      await update({ workspace: a, scope: 'org', override: { structure: { allowUnparentedTasks: true } } });
      await withRootTasks(b, 2);
      const err = await failure(update({ workspace: a, scope: 'org', override: {}, expectedVersion: 1 }));
      expect(err.code).toBe('CONFIG.WOULD_ORPHAN');
      expect(err.details).toEqual({ workspaces: [{ workspace: b, tasks: ['T-1', 'T-2'], more: false }] });
      expect(await versionsOf('org', owner)).toEqual([1]);
      // Once b keeps allowing them in its own override, the org may forbid them.
      await update({ workspace: b, scope: 'repo', override: { structure: { allowUnparentedTasks: true } } });
      const ok = await update({ workspace: a, scope: 'org', override: {}, expectedVersion: 1 });
      expect(ok.version).toBe(2);
    });

    it('allows forbidding them when every task has a parent', async () => {
      const ws = `${freshOwner()}/web`;
      await update({ workspace: ws, scope: 'repo', override: { structure: { allowUnparentedTasks: true } } });
      const r = await update({ workspace: ws, scope: 'repo', override: {}, expectedVersion: 1 });
      expect(r.effective.config.structure.allowUnparentedTasks).toBe(false);
    });
  });

  describe('service cache', () => {
    it('serves from the cache and reflects its own updates at once', async () => {
      const owner = freshOwner();
      const [a, b] = [`${owner}/a`, `${owner}/b`];
      const service = createConfigService(deps, { maxAgeMs: 60_000 });
      try {
        expect((await service.effective(a)).config.milestones.autoCreate).toBe(false);
        expect((await service.effective(b)).config.milestones.autoCreate).toBe(false);

        // Behind the service's back (no event): the cache still answers, until the entry expires.
        await deps.store.write(a, (tx) =>
          tx.putConfigDoc(
            'repo',
            a,
            { override: { milestones: { autoCreate: true } }, updatedAt: deps.clock.now(), updatedBy: 'x' },
            0,
          ),
        );
        expect((await service.effective(a)).config.milestones.autoCreate).toBe(false);
        deps.clock.advance(60_000);
        expect((await service.effective(a)).versions).toEqual({ repo: 1 });

        // An org update through a invalidates every cached repository of the owner.
        await service.update(caller, {
          workspace: a,
          scope: 'org',
          override: { milestones: { defaultDurationDays: 9 } },
        });
        expect((await service.effective(a)).config.milestones.defaultDurationDays).toBe(9);
        expect((await service.effective(b)).config.milestones.defaultDurationDays).toBe(9);

        const r = await service.update(caller, {
          workspace: b,
          scope: 'repo',
          override: { milestones: { defaultDurationDays: 4 } },
        });
        expect(r.effective.versions).toEqual({ org: 1, repo: 1 });
        expect(await service.effective(b)).toEqual(r.effective);
        expect(
          (await service.history({ workspace: b, scope: 'org' })).versions.map((v) => v.version),
        ).toEqual([1]);
      } finally {
        service.close();
      }
    });

    it("is invalidated by another service's update through the bus", async () => {
      const ws = `${freshOwner()}/web`;
      const one = createConfigService(deps, { maxAgeMs: 60_000 });
      const two = createConfigService(deps, { maxAgeMs: 60_000 });
      try {
        expect((await one.effective(ws)).versions).toEqual({});
        await two.update(caller, {
          workspace: ws,
          scope: 'repo',
          override: { milestones: { autoCreate: true } },
        });
        expect((await one.effective(ws)).config.milestones.autoCreate).toBe(true);
      } finally {
        one.close();
        two.close();
      }
    });
  });
});
