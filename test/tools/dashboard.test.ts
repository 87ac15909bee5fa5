/**
 * The dashboard resource through MCP: its figures against what the tools say, a subscriber told
 * when an item changes, and the cached read dropped by that change (never served stale).
 */
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { useClient, WS } from '../helpers/mcp.js';

const URI = `governance://${WS}/dashboard`;
const DAY = 86_400_000;

describe('dashboard resource', () => {
  const c = useClient();
  const read = async () => {
    const r = await c().client.readResource({ uri: URI });
    return JSON.parse((r.contents[0] as { text: string }).text);
  };

  async function seed() {
    const m = (
      await c().ok('upsert_milestone', {
        workspace: WS,
        title: 'R1',
        dueOn: new Date(Date.parse(c().clock.now()) + 3 * DAY).toISOString().slice(0, 10),
      })
    ).milestone;
    const epic = (
      await c().ok('create_item', { workspace: WS, type: 'epic', title: 'Shop', milestoneId: m.id })
    ).item;
    const f = (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Cart', parentId: epic.id })
    ).item;
    const ids: string[] = [];
    for (const title of ['Implement add', 'Implement remove', 'Implement totals'])
      ids.push(
        (
          await c().ok('create_item', {
            workspace: WS,
            type: 'task',
            title,
            parentId: f.id,
            agent: 'agent:dev',
            estimateDays: 1,
          })
        ).item.id,
      );
    return { m, epic, f, ids };
  }

  it('adds up to what the tools report, and changes with the items', async () => {
    const { m, epic, ids } = await seed();
    await c().ok('set_item_status', { workspace: WS, id: ids[0]!, status: 'in_progress' });
    await c().ok('set_item_status', { workspace: WS, id: ids[0]!, status: 'done' });
    await c().ok('set_item_status', {
      workspace: WS,
      id: ids[1]!,
      status: 'blocked',
      reason: 'waiting on API',
    });
    await c().ok('link_items', { workspace: WS, fromId: ids[1]!, kind: 'blocks', toId: ids[2]! });

    const d = await read();
    expect(d.items).toMatchObject({
      total: 5,
      byType: { epic: 1, feature: 1, task: 3 },
      byStatus: { done: 1, blocked: 1 },
    });
    expect(d.epics).toEqual([expect.objectContaining({ id: epic.id, progress: 33, milestoneId: m.id })]);
    expect(d.milestones).toEqual([expect.objectContaining({ id: m.id, done: 1, total: 3, overdue: false })]);
    expect(d.agents.find((a: { id: string }) => a.id === 'agent:dev')).toMatchObject({ openTasks: 2 });
    expect(d.velocity.reduce((n: number, v: { done: number }) => n + v.done, 0)).toBe(1);
    expect(d.bottlenecks).toMatchObject({ blocked: 1, waitingOnDependencies: 1 });
    const report = await c().ok('check_compliance', { workspace: WS });
    expect(d.compliance).toMatchObject({ checked: report.checked, complianceRate: report.complianceRate });
    expect(d.approvals).toEqual({ pending: 0, more: false });
    expect(d.overdue).toEqual({ total: 0, escalate: 0 });

    // The same read again comes from the cache; a change drops it.
    expect(await read()).toEqual(d);
    expect(c().deps.cache.size()).toBeGreaterThan(0);
    await c().ok('set_item_status', { workspace: WS, id: ids[2]!, status: 'in_progress' });
    const after = await read();
    expect(after.items.byStatus.in_progress).toBe(d.items.byStatus.in_progress + 1);

    // Days later the milestone is past due: a new minute, a new reading, without any write.
    c().clock.advance(6 * DAY);
    const late = await read();
    expect(late.milestones[0].overdue).toBe(true);
    expect(late.overdue.total).toBe(2);
    expect(late.overdue.escalate).toBe(2);
  });

  it('notifies a subscriber when an item changes, and not for a read', async () => {
    const { ids } = await seed();
    const updates: string[] = [];
    c().client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await c().client.subscribeResource({ uri: URI });
    await c().ok('get_item_tree', { workspace: WS });
    await c().client.ping();
    expect(updates).toEqual([]);
    await c().ok('report_progress', { workspace: WS, id: ids[0]!, percent: 50 });
    await c().client.ping();
    expect(updates).toContain(URI);
  });

  it('counts pending approvals and tells a subscriber when one is opened', async () => {
    await seed();
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'epics need an approval',
      override: {
        compliance: { approvals: { epicCreation: { required: true, minApprovals: 1, approvers: [] } } },
      },
    });
    const updates: string[] = [];
    c().client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    expect((await read()).approvals.pending).toBe(0);
    await c().client.subscribeResource({ uri: URI });
    expect((await c().failure('create_item', { workspace: WS, type: 'epic', title: 'Ops' })).code).toBe(
      'APPROVAL.PENDING',
    );
    await c().client.ping();
    expect(updates).toContain(URI);
    expect((await read()).approvals).toEqual({ pending: 1, more: false });
  });

  it('refuses a workspace that does not exist', async () => {
    await expect(c().client.readResource({ uri: 'governance://nobody/here/dashboard' })).rejects.toThrow(
      /nobody\/here/,
    );
  });
});
