/**
 * apply_spec stores the spec it applies: a version per changed text (re-applying is a no-op, a dry
 * run stores nothing), its stage statuses and generation metadata, an audit record in the chain,
 * and the `governance://{owner}/{repo}/specs/{specId}` resource that shows it.
 */
import { createHash } from 'node:crypto';
import { McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/governance/ports/caller.js';
import { updateSpecStage } from '../../src/governance/use-cases/spec-stage.js';
import { applySpec } from '../../src/governance/use-cases/spec-store.js';
import { TEST_ACTOR, useClient, WS, type BackendName, type Connected } from '../helpers/mcp.js';
import { governedPlan } from '../helpers/plans.js';
import { CHECKOUT_SPEC_BARE } from '../fixtures/checkout-spec.js';

const SPEC = CHECKOUT_SPEC_BARE;
const EDITED = SPEC.replace(
  '- Build receipt email template\n',
  '- Build receipt email template\n- Localize receipts\n',
);
const AS_OF = '2027-02-10';
const URI = 'governance://acme/web/specs/checkout';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const apply = (c: Connected, text: string, extra: Record<string, unknown> = {}) =>
  c.ok('apply_spec', { workspace: WS, text, asOf: AS_OF, dryRun: false, ...extra });

async function read(c: Connected, uri = URI): Promise<any> {
  const r = await c.client.readResource({ uri });
  return JSON.parse((r.contents[0] as { text: string }).text);
}

async function readError(c: Connected, uri: string): Promise<McpError> {
  const e: unknown = await c.client.readResource({ uri }).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(McpError);
  return e as McpError;
}

describe.each<BackendName>(['sqlite', 'postgres'])('stored specs on %s', (backend) => {
  const c = useClient({ backend });

  it('stores version 1 with its stage statuses, generation metadata and items', async () => {
    const plan = governedPlan(SPEC, AS_OF);
    const r = await apply(c(), SPEC);
    // The validation stage checks what the apply wrote, as validate_hierarchy does.
    const v = await c().ok('validate_hierarchy', { workspace: WS, source: { kind: 'stored' } });
    expect(v.checked).toBe(plan.items.length);
    const validated = v.compliant ? 'done' : 'failed';
    expect(r.spec).toMatchObject({ specId: 'checkout', version: 1, newVersion: true });
    expect(r.spec.status).toEqual({
      analysis: 'done',
      specification: 'done',
      validation: validated,
      github_generation: 'pending',
    });

    const spec = await read(c());
    expect(spec).toMatchObject({
      workspace: WS,
      specId: 'checkout',
      version: 1,
      title: 'Checkout',
      text: { bytes: Buffer.byteLength(SPEC), lines: SPEC.split('\n').length, sha256: sha256(SPEC) },
      generation: { method: 'heuristic', model: null, latencyMs: 0, attempts: 0, fallback: null },
      itemCount: plan.items.length,
      truncated: false,
      createdBy: TEST_ACTOR.id,
    });
    expect(spec.status.analysis).toMatchObject({
      state: 'done',
      counts: { epics: 1, features: 2, tasks: 4, warnings: plan.warnings.length },
    });
    expect(spec.status.specification).toMatchObject({
      state: 'done',
      finishedAt: c().clock.now(),
      counts: { created: plan.items.length, updated: 0, unchanged: 0, linksAdded: 1 },
    });
    expect(spec.status.validation).toMatchObject({
      state: validated,
      finishedAt: c().clock.now(),
      counts: { checked: v.checked, ...v.counts },
    });
    expect(spec.status.github_generation).toMatchObject({ state: 'pending', detail: /GitHub/ });

    const idOf = new Map<string, string>(
      r.created.map((x: { planId: string; id: string }) => [x.planId, x.id]),
    );
    expect(spec.items).toEqual(
      plan.items.map((p) => ({
        id: idOf.get(p.id),
        planId: p.id,
        type: p.type,
        title: p.title,
        source: p.source,
      })),
    );
  });

  it('keeps re-applied text at its version and adds a version for edited text', async () => {
    await apply(c(), SPEC);
    const seq = await c().auditSeq();
    const again = await apply(c(), SPEC);
    expect(again.spec).toMatchObject({
      version: 1,
      newVersion: false,
      status: { analysis: 'done' },
    });
    expect(await c().auditSeq()).toBe(seq);

    const edited = await apply(c(), EDITED);
    expect(edited.spec).toMatchObject({ specId: 'checkout', version: 2, newVersion: true });
    expect(edited.created).toHaveLength(1);
    const v2 = await read(c());
    expect(v2).toMatchObject({ version: 2, text: { sha256: sha256(EDITED) }, itemCount: 8 });
    expect(v2.status.specification.counts).toMatchObject({
      created: 1,
      updated: edited.updated.length,
      unchanged: edited.unchanged,
    });

    const reader = c().store.reader;
    expect(await reader.getSpecText(WS, 'checkout', 1)).toBe(SPEC);
    expect(await reader.getSpecText(WS, 'checkout', 2)).toBe(EDITED);
    expect((await reader.getSpec(WS, 'checkout', 1))?.items).toHaveLength(7);
    expect((await apply(c(), EDITED)).spec).toMatchObject({ version: 2, newVersion: false });
  });

  it('audits each version with its generation metadata in an intact chain', async () => {
    await apply(c(), SPEC);
    await apply(c(), EDITED);
    const { records } = await c().ok('query_audit', { workspace: WS, entityId: 'checkout' });
    expect(records.map((x: { action: string; entityType: string }) => [x.entityType, x.action])).toEqual([
      ['spec', 'spec.applied'],
      ['spec', 'spec.applied'],
    ]);
    const { generation } = await read(c());
    expect(generation.confidence).toBeGreaterThan(0);
    expect(generation.confidence).toBeLessThanOrEqual(1);
    expect(records[0].diff).toMatchObject({
      version: { old: 1, new: 2 },
      textHash: { old: sha256(SPEC), new: sha256(EDITED) },
      method: { old: 'heuristic', new: 'heuristic' },
      model: { old: null, new: null },
      latencyMs: { old: 0, new: 0 },
      confidence: { old: generation.confidence, new: generation.confidence },
      requested: { old: generation.requested, new: generation.requested },
      items: { old: 7, new: 8 },
    });
    expect(records[1].diff).toMatchObject({
      version: { old: null, new: 1 },
      method: { old: null, new: 'heuristic' },
    });
    expect(records[1].tool).toBe('apply_spec');
    expect(await c().ok('verify_audit', { workspace: WS })).toMatchObject({ ok: true });
  });
});

describe('stored specs', () => {
  const c = useClient();

  it('stores nothing on a dry run, and says which version applying would store', async () => {
    const dry = await c().ok('apply_spec', { workspace: WS, text: SPEC, asOf: AS_OF });
    expect(dry.spec).toEqual({ specId: 'checkout', version: 1, newVersion: true, status: null });
    expect(await c().auditSeq()).toBe(0);
    expect(await c().store.reader.getSpec(WS, 'checkout')).toBeUndefined();
    expect((await c().client.listResources()).resources.filter((r) => r.uri.includes('/specs/'))).toEqual([]);

    await apply(c(), SPEC);
    const same = await c().ok('apply_spec', { workspace: WS, text: SPEC, asOf: AS_OF });
    expect(same.spec).toMatchObject({ version: 1, newVersion: false, status: null });
    const next = await c().ok('apply_spec', { workspace: WS, text: EDITED, asOf: AS_OF });
    expect(next.spec).toMatchObject({ version: 2, newVersion: true });
    expect((await read(c())).version).toBe(1);
  });

  it.each<{ text: string; specId: string | undefined; expected: string | RegExp }>([
    { text: SPEC, specId: undefined, expected: 'checkout' },
    { text: '# Checkout — Paiements (v2)\n\n- Pay\n', specId: undefined, expected: 'checkout-paiements-v2' },
    // No usable title: a content hash keeps unrelated documents apart (spec-identity.test.ts).
    { text: '- Only a task\n', specId: undefined, expected: /^spec-[0-9a-f]{10}$/ },
    { text: '# !!!\n\n- Task\n', specId: undefined, expected: /^spec-[0-9a-f]{10}$/ },
    {
      text: `# ${'Long title '.repeat(10)}\n\n- Task\n`,
      specId: undefined,
      expected: 'long-title-'.repeat(6).slice(0, 64).replace(/-$/, ''),
    },
    { text: SPEC, specId: 'q3-checkout', expected: 'q3-checkout' },
  ])('stores under $expected', async ({ text, specId, expected }) => {
    const r = await apply(c(), text, specId ? { specId } : {});
    expect(r.spec.specId).toMatch(typeof expected === 'string' ? new RegExp(`^${expected}$`) : expected);
    expect((await read(c(), `governance://acme/web/specs/${r.spec.specId}`)).specId).toBe(r.spec.specId);
  });

  it.each(['Checkout', '-checkout', 'checkout-', 'a_b', 'a'.repeat(65), '', 'Ü', 'a b'])(
    'refuses specId %j and writes nothing',
    async (specId) => {
      const f = await c().failure('apply_spec', { workspace: WS, text: SPEC, specId, dryRun: false });
      expect(f.code).toBe('INPUT.INVALID');
      const paths = (f.details?.issues as { path: string }[]).map((x) => x.path);
      expect(new Set(paths)).toEqual(new Set(['specId']));
      expect(await c().auditSeq()).toBe(0);
      // Nothing written: not even the workspace exists.
      expect(await c().err('get_item_tree', { workspace: WS })).toBe('WORKSPACE.NOT_FOUND');
    },
  );

  it("marks validation failed when what the spec wrote breaks the workspace's limits", async () => {
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      // Not broken down automatically: the plan keeps Payments' 3 tasks under one feature.
      override: { generation: { maxTasksPerFeature: 1, autoTaskBreakdown: false } },
      reason: 'one task per feature',
    });
    const r = await apply(c(), SPEC);
    expect(r.created.length).toBeGreaterThan(0);
    expect(r.spec.status.validation).toBe('failed');
    const { status } = await read(c());
    const v = await c().ok('validate_hierarchy', {
      workspace: WS,
      source: { kind: 'stored' },
      minSeverity: 'error',
    });
    expect(v.violations.map((x: { rule: string }) => x.rule)).toContain('limits.maxTasksPerFeature');
    expect(status.validation.counts).toMatchObject({ error: v.counts.error });
    expect(status.validation.detail).toContain('validate_hierarchy');
  });

  it('stores what the validation seam reports, and keeps nothing when it throws', async () => {
    const caller: Caller = { actor: TEST_ACTOR, client: null, tool: null, correlationId: 'test' };
    const plan = governedPlan(SPEC, AS_OF);
    const generation = {
      method: 'heuristic' as const,
      requested: 'heuristic' as const,
      model: null,
      latencyMs: 0,
      confidence: 0.6,
      attempts: 0,
      fallback: null,
    };
    const cmd = { workspace: WS, text: SPEC, plan, generation, dryRun: false };
    await expect(
      applySpec(c().deps, caller, {
        ...cmd,
        validate: () => Promise.reject(new Error('validator crashed')),
      }),
    ).rejects.toThrow('validator crashed');
    expect(await c().auditSeq()).toBe(0);
    expect(await c().store.reader.getSpec(WS, 'checkout')).toBeUndefined();

    let seen: string[] = [];
    await applySpec(c().deps, caller, {
      ...cmd,
      validate: async (s, ctx) => {
        // Runs inside the write: the items the plan wrote are already there.
        seen = (
          await s.tx.getItems(
            WS,
            ctx.items.map((i) => i.id),
          )
        ).map((i) => i.id);
        return { state: 'failed', detail: 'One feature has no estimate', counts: { errors: 1 } };
      },
    });
    expect(seen).toHaveLength(plan.items.length);
    expect((await read(c())).status.validation).toMatchObject({
      state: 'failed',
      detail: 'One feature has no estimate',
      counts: { errors: 1 },
      finishedAt: c().clock.now(),
    });
  });

  it('keeps no version of an apply that failed half way', async () => {
    await apply(c(), SPEC);
    const { items } = await c().ok('get_item_tree', { workspace: WS, limit: 100 });
    const feature = items.find((i: { title: string }) => i.title === 'Feature: Receipts');
    const task = items.find((i: { parentId: string }) => i.parentId === feature.id);
    for (const [id, status] of [
      [task.id, 'in_progress'],
      [task.id, 'done'],
      [feature.id, 'done'],
    ]) {
      await c().ok('set_item_status', { workspace: WS, id, status });
    }
    const seq = await c().auditSeq();
    expect(await c().err('apply_spec', { workspace: WS, text: EDITED, asOf: AS_OF, dryRun: false })).toBe(
      'HIERARCHY.INVALID_PARENT',
    );
    expect(await c().auditSeq()).toBe(seq);
    expect((await read(c())).version).toBe(1);
    expect(await c().store.reader.getSpec(WS, 'checkout', 2)).toBeUndefined();
  });

  it('lists stored specs, completes their ids and refuses unknown ones', async () => {
    await apply(c(), SPEC);
    await apply(c(), SPEC, { specId: 'billing' });
    await c().ok('apply_spec', { workspace: 'acme/api', text: SPEC, dryRun: false });
    const { resources } = await c().client.listResources();
    expect(resources.filter((r) => r.uri.includes('/specs/')).map((r) => [r.uri, r.title])).toEqual([
      ['governance://acme/api/specs/checkout', 'Checkout'],
      ['governance://acme/web/specs/billing', 'Checkout'],
      ['governance://acme/web/specs/checkout', 'Checkout'],
    ]);
    const complete = async (value: string, args: Record<string, string>) =>
      (
        await c().client.complete({
          ref: { type: 'ref/resource', uri: 'governance://{owner}/{repo}/specs/{specId}' },
          argument: { name: 'specId', value },
          context: { arguments: args },
        })
      ).completion.values;
    expect(await complete('', { owner: 'acme', repo: 'web' })).toEqual(['billing', 'checkout']);
    expect(await complete('Ch', { owner: 'acme', repo: 'web' })).toEqual(['checkout']);
    expect(await complete('', { owner: 'acme', repo: 'nothing' })).toEqual([]);
    expect(await complete('', { owner: 'acme' })).toEqual([]);

    for (const [uri, code] of [
      ['governance://acme/web/specs/unknown', 'SPEC.NOT_FOUND'],
      ['governance://acme/web/specs/Not_A_Slug', 'INPUT.INVALID'],
    ] as const) {
      const e = await readError(c(), uri);
      expect(e.data).toMatchObject({ code, hint: expect.any(String) });
    }
  });

  it('notifies a subscribed spec when a version is stored or a stage moves, through the stage seam', async () => {
    const updates: string[] = [];
    c().client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await c().client.subscribeResource({ uri: URI });
    await apply(c(), SPEC);
    await c().client.ping();
    expect(updates).toEqual([URI]);

    const caller: Caller = { actor: TEST_ACTOR, client: null, tool: null, correlationId: 'test' };
    c().clock.advance(1000);
    const update = { state: 'failed', detail: '2 orphaned tasks', counts: { errors: 2 } } as const;
    const cmd = { workspace: WS, specId: 'checkout', stage: 'validation', update } as const;
    await updateSpecStage(c().deps, caller, cmd);
    await c().client.ping();
    expect(updates).toEqual([URI, URI]);
    const spec = await read(c());
    expect(spec.status.validation).toEqual({
      state: 'failed',
      startedAt: c().clock.now(),
      finishedAt: c().clock.now(),
      detail: '2 orphaned tasks',
      counts: { errors: 2 },
    });
    expect(spec).toMatchObject({ version: 1, updatedAt: c().clock.now() });
    const [record] = await c().auditAfter((await c().auditSeq()) - 1);
    expect(record).toMatchObject({ entityType: 'spec', action: 'spec.stage_updated' });
    expect(record!.diff.validation).toMatchObject({
      old: { detail: /item\(s\) checked/ },
      new: { state: 'failed' },
    });

    const seq = await c().auditSeq();
    await updateSpecStage(c().deps, caller, cmd);
    expect(await c().auditSeq()).toBe(seq);
    // A run under way keeps its start when it finishes.
    const runningAt = c().clock.now();
    await updateSpecStage(c().deps, caller, { ...cmd, update: { state: 'running', detail: 'Re-checking' } });
    c().clock.advance(5000);
    await updateSpecStage(c().deps, caller, { ...cmd, update: { state: 'done', detail: 'No problems' } });
    expect((await read(c())).status.validation).toMatchObject({
      state: 'done',
      startedAt: runningAt,
      finishedAt: c().clock.now(),
      counts: {},
    });
    await expect(updateSpecStage(c().deps, caller, { ...cmd, specId: 'nope' })).rejects.toMatchObject({
      code: 'SPEC.NOT_FOUND',
    });
    expect(await c().ok('verify_audit', { workspace: WS })).toMatchObject({ ok: true });
  });
});
