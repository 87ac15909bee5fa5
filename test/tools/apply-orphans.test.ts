import { describe, expect, it } from 'vitest';
import { CHECKOUT_SPEC_BARE } from '../fixtures/checkout-spec.js';
import { useSharedClient, ws, type BackendName, type Connected } from '../helpers/mcp.js';

/** The spec without its Receipts section: one feature and its task lose their source. */
const WITHOUT_RECEIPTS = CHECKOUT_SPEC_BARE.replace(/## Receipts[\s\S]*$/, '');

const taskmaster = (ids: number[]) =>
  JSON.stringify({
    tasks: ids.map((id) => ({
      id,
      title: `Task number ${id}`,
      status: 'pending',
      subtasks: [{ id: 1, title: `Step one of ${id}`, status: 'pending' }],
    })),
  });

interface Path {
  name: string;
  first: Record<string, unknown>;
  second: Record<string, unknown>;
  /** Titles of the items the second call orphans. */
  gone: string[];
}

const PATHS: Path[] = [
  {
    name: 'apply_spec',
    first: { tool: 'apply_spec', specId: 'checkout', text: CHECKOUT_SPEC_BARE, asOf: '2027-02-10' },
    second: { tool: 'apply_spec', specId: 'checkout', text: WITHOUT_RECEIPTS, asOf: '2027-02-10' },
    gone: ['Feature: Receipts', 'Task: Build receipt email template'],
  },
  {
    name: 'import_tasks',
    first: { tool: 'import_tasks', format: 'taskmaster', content: taskmaster([1, 2]) },
    second: { tool: 'import_tasks', format: 'taskmaster', content: taskmaster([1]) },
    gone: ['Task number 2', 'Step one of 2'],
  },
];

const callOn = (cc: Connected, args: Record<string, unknown>, extra: Record<string, unknown>) => {
  const { tool, ...rest } = args;
  return cc.ok(tool as string, { workspace: ws(), ...rest, ...extra });
};

const CASES = (['sqlite', 'postgres'] as BackendName[]).flatMap((backend) =>
  PATHS.map((p) => ({ ...p, backend })),
);

const titles = (list: { title: string }[]) => list.map((o) => o.title).sort();

describe.each(CASES)(
  '$name on $backend: items whose source disappeared',
  ({ backend, first, second, gone }) => {
    const c = useSharedClient({ backend });
    const call = (args: Record<string, unknown>, extra: Record<string, unknown>) => callOn(c(), args, extra);

    it('reports them as orphaned and keeps them by default (dry run and write)', async () => {
      await call(first, { dryRun: false });
      const dry = await call(second, {});
      expect(titles(dry.orphaned)).toEqual([...gone].sort());
      expect(dry.orphaned.every((o: { action: string }) => o.action === 'kept')).toBe(true);
      expect(dry.totals.orphaned).toBe(gone.length);

      const before = await c().auditSeq();
      const r = await call(second, { dryRun: false });
      expect(titles(r.orphaned)).toEqual([...gone].sort());
      expect(r.orphaned.map((o: { status: string; action: string }) => [o.status, o.action])).toEqual(
        gone.map(() => ['planning', 'kept']),
      );
      const ids = r.orphaned.map((o: { id: string }) => o.id);
      const touched = (await c().auditAfter(before)).filter((x) => ids.includes(x.entityId));
      expect(touched).toEqual([]);
    });

    it('cancels them with orphans: "cancel", audited with a reason, children first; a dry run only previews', async () => {
      await call(first, { dryRun: false });
      const seq = await c().auditSeq();
      const dry = await call(second, { orphans: 'cancel' });
      expect(dry.orphaned.map((o: { action: string }) => o.action)).toEqual(gone.map(() => 'would_cancel'));
      expect(await c().auditSeq()).toBe(seq);

      const r = await call(second, { orphans: 'cancel', dryRun: false });
      expect(r.orphaned.map((o: { status: string; action: string }) => [o.status, o.action])).toEqual(
        gone.map(() => ['cancelled', 'cancelled']),
      );
      const ids: string[] = r.orphaned.map((o: { id: string }) => o.id);
      for (const id of ids) {
        const { item } = await c().ok('get_item', { workspace: ws(), id });
        expect(item).toMatchObject({
          status: 'cancelled',
          statusReason: expect.stringContaining('no longer in the'),
        });
      }
      const records = (await c().auditAfter(seq)).filter(
        (x) => ids.includes(x.entityId) && x.action === 'item.status_changed',
      );
      expect(records.map((x) => x.diff.status)).toEqual(
        gone.map(() => ({ old: 'planning', new: 'cancelled' })),
      );
      // Deepest first: the task (or subtask) before its parent.
      expect(records.map((x) => x.entityId)).toEqual([...ids].reverse());
      expect(records.every((x) => x.reason?.includes('no longer in the'))).toBe(true);

      // Cancelled orphans are not reported again.
      expect((await call(second, { orphans: 'cancel', dryRun: false })).orphaned).toEqual([]);
    });

    it('keeps a done orphan done even with orphans: "cancel"', async () => {
      await call(first, { dryRun: false });
      const dry = await call(second, {});
      const leaf = dry.orphaned.find((o: { title: string }) => o.title === gone[1])!;
      await c().ok('set_item_status', { workspace: ws(), id: leaf.id, status: 'in_progress' });
      await c().ok('set_item_status', { workspace: ws(), id: leaf.id, status: 'done' });
      const r = await call(second, { orphans: 'cancel', dryRun: false });
      const byTitle = new Map(r.orphaned.map((o: { title: string }) => [o.title, o]));
      expect(byTitle.get(gone[1]!)).toMatchObject({ status: 'done', action: 'kept' });
      // Its parent is cancelled: nothing under it is open any more.
      expect(byTitle.get(gone[0]!)).toMatchObject({ status: 'cancelled', action: 'cancelled' });
    });
  },
);

describe('orphans input', () => {
  const c = useSharedClient();
  it.each(['apply_spec', 'import_tasks'])('%s refuses an unknown orphans value', async (tool) => {
    const args =
      tool === 'apply_spec'
        ? { text: CHECKOUT_SPEC_BARE }
        : { format: 'taskmaster', content: taskmaster([1]) };
    expect(await c().err(tool, { workspace: ws(), ...args, orphans: 'delete' })).toBe('INPUT.INVALID');
  });
});
