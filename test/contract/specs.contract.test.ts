/**
 * The stored-spec store, on every back-end: versions start at 1 and are all kept with their text,
 * reads of a version leave the text out, lists show the latest version of each spec in id order,
 * status updates touch one version, and a rolled-back transaction leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specStatus, type SpecVersion } from '../../src/governance/model/spec.js';
import type { GovernanceStore } from '../../src/governance/ports/store.js';
import type { GenerationMeta } from '../../src/governance/use-cases/model-json.js';
import { storeBackends, type OpenedStore } from '../helpers/store-backends.js';
import { freshWorkspace, T0 } from './store-fixtures.js';

const T1 = '2025-01-03T00:00:00.000Z';

const heuristicGeneration = (): GenerationMeta => ({
  method: 'heuristic',
  requested: 'auto',
  model: null,
  latencyMs: 0,
  confidence: 0.6,
  attempts: 0,
  fallback: null,
});

type NewSpec = Omit<SpecVersion, 'version'> & { text: string };

function makeSpec(workspace: string, specId: string, over: Partial<NewSpec> = {}): NewSpec {
  return {
    workspace,
    specId,
    title: `Spec ${specId}`,
    text: `# ${specId}\n\n- Täsk ✓\n`,
    textHash: 'a'.repeat(64),
    bytes: 20,
    lines: 4,
    status: specStatus({ analysis: { state: 'done', detail: 'ok', counts: { warnings: 2 } } }, T0),
    generation: heuristicGeneration(),
    items: [{ planId: 'T-abc', id: 'T-3', type: 'task', title: 'Täsk', startLine: 3, endLine: 3 }],
    createdAt: T0,
    createdBy: 'test:alice',
    updatedAt: T0,
    updatedBy: 'test:alice',
    ...over,
  };
}

const withoutText = ({ text: _t, ...rest }: NewSpec) => rest;
const rejectsWith = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code });

describe.each(storeBackends)('spec store: $name', (backend) => {
  let opened: OpenedStore;
  let store: GovernanceStore;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
  });
  afterAll(() => opened?.cleanup());

  it('has no spec until one is stored', async () => {
    const ws = freshWorkspace();
    expect(await store.reader.getSpec(ws, 'checkout')).toBeUndefined();
    expect(await store.reader.getSpecText(ws, 'checkout', 1)).toBeUndefined();
    expect(await store.reader.listSpecs(ws, { limit: 10 })).toEqual([]);
  });

  it('stores version n+1, keeps every version with its text, and reads without the text', async () => {
    const ws = freshWorkspace();
    const v1 = makeSpec(ws, 'checkout');
    const v2 = makeSpec(ws, 'checkout', {
      text: `${v1.text}- Second\n`,
      textHash: 'b'.repeat(64),
      generation: {
        ...heuristicGeneration(),
        method: 'provider',
        model: 'm-1',
        latencyMs: 812,
        confidence: 0.8,
      },
      createdAt: T1,
      updatedAt: T1,
    });
    expect(await store.write(ws, (tx) => tx.putSpecVersion(v1, 0))).toEqual({
      ok: true,
      stored: { ...withoutText(v1), version: 1 },
    });
    expect(await store.write(ws, (tx) => tx.putSpecVersion(v2, 1))).toMatchObject({
      ok: true,
      stored: { version: 2 },
    });

    expect(await store.reader.getSpec(ws, 'checkout')).toEqual({ ...withoutText(v2), version: 2 });
    expect(await store.reader.getSpec(ws, 'checkout', 1)).toEqual({ ...withoutText(v1), version: 1 });
    expect(await store.reader.getSpec(ws, 'checkout', 3)).toBeUndefined();
    expect(await store.reader.getSpecText(ws, 'checkout', 1)).toBe(v1.text);
    expect(await store.reader.getSpecText(ws, 'checkout', 2)).toBe(v2.text);
    expect(await store.reader.listWorkspaces(10_000)).toContain(ws);
  });

  it('reports the latest version instead of storing over a stale expected one', async () => {
    const ws = freshWorkspace();
    await store.write(ws, (tx) => tx.putSpecVersion(makeSpec(ws, 'a'), 0));
    for (const expected of [0, 2]) {
      const stale = store.write(ws, (tx) => tx.putSpecVersion(makeSpec(ws, 'a', { title: 'X' }), expected));
      expect(await stale).toEqual({ ok: false, actualVersion: 1 });
    }
    expect((await store.reader.getSpec(ws, 'a'))?.title).toBe('Spec a');
  });

  it('lists the latest version of each spec in id order, paged and by prefix', async () => {
    const ws = freshWorkspace();
    await store.write(ws, async (tx) => {
      for (const id of ['web-b', 'api', 'web-a']) await tx.putSpecVersion(makeSpec(ws, id), 0);
      await tx.putSpecVersion(makeSpec(ws, 'api', { title: 'API v2', updatedAt: T1 }), 1);
    });
    const other = freshWorkspace();
    await store.write(other, (tx) => tx.putSpecVersion(makeSpec(other, 'api-x'), 0));

    const all = await store.reader.listSpecs(ws, { limit: 10 });
    expect(all.map((s) => [s.specId, s.version, s.title, s.updatedAt])).toEqual([
      ['api', 2, 'API v2', T1],
      ['web-a', 1, 'Spec web-a', T0],
      ['web-b', 1, 'Spec web-b', T0],
    ]);
    expect(all[0]!.status.analysis).toMatchObject({ state: 'done', counts: { warnings: 2 } });
    const ids = async (q: Parameters<GovernanceStore['reader']['listSpecs']>[1]) =>
      (await store.reader.listSpecs(ws, q)).map((s) => s.specId);
    expect(await ids({ limit: 2 })).toEqual(['api', 'web-a']);
    expect(await ids({ limit: 2, after: 'web-a' })).toEqual(['web-b']);
    expect(await ids({ limit: 10, prefix: 'web' })).toEqual(['web-a', 'web-b']);
    expect(await ids({ limit: 10, prefix: 'web-b' })).toEqual(['web-b']);
    expect(await ids({ limit: 10, prefix: 'x' })).toEqual([]);
  });

  it('updates the status of one version only', async () => {
    const ws = freshWorkspace();
    await store.write(ws, async (tx) => {
      await tx.putSpecVersion(makeSpec(ws, 's'), 0);
      await tx.putSpecVersion(makeSpec(ws, 's'), 1);
    });
    const status = specStatus(
      { validation: { state: 'failed', detail: '2 problems', counts: { errors: 2 } } },
      T1,
    );
    expect(
      await store.write(ws, (tx) =>
        tx.updateSpecStatus(ws, 's', 1, status, { updatedAt: T1, updatedBy: 'test:bob' }),
      ),
    ).toBe(true);
    expect(await store.reader.getSpec(ws, 's', 1)).toMatchObject({
      status,
      updatedAt: T1,
      updatedBy: 'test:bob',
    });
    expect(await store.reader.getSpec(ws, 's', 2)).toMatchObject({ updatedBy: 'test:alice' });
    expect(
      await store.write(ws, (tx) =>
        tx.updateSpecStatus(ws, 's', 3, status, { updatedAt: T1, updatedBy: 'x' }),
      ),
    ).toBe(false);
    expect(await store.reader.getSpec(ws, 's', 3)).toBeUndefined();
  });

  it('rolls a stored version back with the rest of the transaction', async () => {
    const ws = freshWorkspace();
    const failing = store.write(ws, async (tx) => {
      await tx.putSpecVersion(makeSpec(ws, 'gone'), 0);
      expect((await tx.getSpec(ws, 'gone'))?.version).toBe(1);
      throw new Error('later step failed');
    });
    await expect(failing).rejects.toThrow('later step failed');
    expect(await store.reader.getSpec(ws, 'gone')).toBeUndefined();
  });

  it("only writes specs of the transaction's own workspace", async () => {
    const ws = freshWorkspace();
    await rejectsWith(
      store.write(ws, (tx) => tx.putSpecVersion(makeSpec('acme/elsewhere', 'a'), 0)),
      'INTERNAL',
    );
    expect(await store.reader.getSpec('acme/elsewhere', 'a')).toBeUndefined();
  });
});
