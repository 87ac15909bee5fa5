/**
 * Approvals through MCP on both stores: a listed change is held (APPROVAL.PENDING, nothing
 * written), decided by approvers the rule allows and applied as the requester once the quorum is
 * reached, or decided at once by the user of a client that implements elicitation (approve,
 * reject, decline, no answer). Bad decisions are refused with their code; a pending request
 * survives a new server on the same store; every step is audited and the chain still verifies.
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/governance/model/audit.js';
import {
  connectClient,
  errorPayload,
  type BackendName,
  type Connected,
  type ConnectOptions,
  WS,
} from '../helpers/mcp.js';

const actor = (id: string): Actor => ({ type: 'user', id, name: id[0]!.toUpperCase() + id.slice(1) });
const ALICE = actor('alice');
const BOB = actor('bob');
const CAROL = actor('carol');
const DAVE = actor('dave');

const EPIC = { workspace: WS, type: 'epic', title: 'Checkout' };
const HOUR = 3_600_000;

describe.each<BackendName>(['sqlite', 'postgres'])('approvals on %s', (backend) => {
  const open: Connected[] = [];
  afterEach(async () => {
    // Shared connections first: the first one owns the store.
    for (const c of open.reverse()) await c.close();
    open.length = 0;
  });

  /** Alice's connection (owning the store) with the policy set; `as` opens another actor's. */
  async function setup(approvals: Record<string, unknown>, opts: ConnectOptions = {}) {
    const alice = await connectClient({ backend, actor: ALICE, ...opts });
    open.push(alice);
    await alice.ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'approvals on',
      override: { compliance: { approvals } },
    });
    const as = async (who: Actor, more: ConnectOptions = {}) => {
      const c = await connectClient({ share: alice, actor: who, ...more });
      open.push(c);
      return c;
    };
    return { alice, as };
  }

  const epicRule = (approvers: string[], minApprovals = 1) => ({
    epicCreation: { required: true, minApprovals, approvers },
  });
  const items = async (c: Connected) =>
    (await c.ok('list_approvals', { workspace: WS })).requests as { id: string; status: string }[];
  const itemCount = async (c: Connected) => {
    const r = await c.call('get_item_tree', { workspace: WS });
    return r.isError ? 0 : ((r.structuredContent as { items?: unknown[] }).items?.length ?? 0);
  };

  it('holds a listed change, writes nothing, and applies it as the requester on approval', async () => {
    const { alice, as } = await setup(epicRule(['bob']));
    const seq0 = await alice.auditSeq();
    const held = await alice.failure('create_item', EPIC);
    expect(held.code).toBe('APPROVAL.PENDING');
    expect(held.details).toMatchObject({
      requestId: 'A-1',
      approvers: ['bob'],
      minApprovals: 1,
      approvals: 0,
    });
    expect(held.hint).toContain('decide_approval');
    expect(await itemCount(alice)).toBe(0);
    expect((await alice.auditAfter(seq0)).map((r) => r.action)).toEqual(['approval.requested']);
    // A task is not listed, nor is a dry run.
    expect((await alice.ok('list_approvals', { workspace: WS, status: 'pending' })).requests).toHaveLength(1);

    const bob = await as(BOB);
    const decided = await bob.ok('decide_approval', {
      workspace: WS,
      id: 'A-1',
      decision: 'approve',
      reason: 'ok',
    });
    expect(decided.request.status).toBe('applied');
    expect(decided.result.item).toMatchObject({ type: 'epic', title: 'Checkout' });
    const id = decided.result.item.id as string;
    expect((await bob.ok('get_item', { workspace: WS, id })).item.title).toBe('Checkout');

    const records = await alice.auditAfter(seq0);
    expect(records.map((r) => r.action)).toEqual([
      'approval.requested',
      'approval.decided',
      'item.created',
      'approval.applied',
    ]);
    const created = records.find((r) => r.action === 'item.created')!;
    expect(created.actor.id).toBe('alice'); // applied as the requester
    expect(decided.request.outcome).toMatchObject({ ok: true, auditSeqs: [created.seq] });
    expect(records.find((r) => r.action === 'approval.decided')!.actor.id).toBe('bob');
    expect((await alice.ok('verify_audit', { workspace: WS })).ok).toBe(true);
    expect(await items(alice)).toEqual([expect.objectContaining({ id: 'A-1', status: 'applied' })]);
  });

  it('reports an epic created without an approval the policy requires, not one approved', async () => {
    const { alice, as } = await setup(epicRule(['bob']));
    await alice.failure('create_item', EPIC);
    const bob = await as(BOB);
    const approved = (
      await bob.ok('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve', reason: 'ok' })
    ).result.item.id as string;
    // A whole apply_spec is not held epic by epic: its epic has no approval.
    await alice.ok('apply_spec', {
      workspace: WS,
      text: '# Payments\n\n## Cards\n\n- Charge a card\n',
      dryRun: false,
    });
    const report = await alice.ok('check_compliance', { workspace: WS, limit: 200 });
    const missing = (
      report.items as { itemId: string; violations: { rule: string; message: string }[] }[]
    ).flatMap((i) => i.violations.filter((v) => v.rule === 'approvals.missing'));
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toMatch(/apply_spec/);
    expect(missing.map((v) => v).some((v) => v.message.includes(approved))).toBe(false);
  });

  it('does not hold what the rule does not list: other types, dry runs, unlisted tools', async () => {
    const { alice } = await setup({
      ...epicRule([]),
      actions: { apply_spec: { required: true, minApprovals: 1, approvers: [] } },
    });
    const spec = { workspace: WS, text: '# Checkout\n\nPay for the cart.\n', asOf: '2027-02-10' };
    expect((await alice.ok('apply_spec', spec)).dryRun).toBe(true); // a preview changes nothing
    expect(await alice.err('apply_spec', { ...spec, dryRun: false })).toBe('APPROVAL.PENDING');
    expect(await alice.err('create_item', EPIC)).toBe('APPROVAL.PENDING');
    expect((await alice.ok('upsert_milestone', { workspace: WS, title: 'Q1' })).milestone.title).toBe('Q1');
    expect((await items(alice)).map((r) => r.id)).toEqual(['A-1', 'A-2']);
    expect(await itemCount(alice)).toBe(0);
  });

  it('waits for minApprovals distinct approvers, from a named actions rule', async () => {
    const { alice, as } = await setup({
      actions: { upsert_milestone: { required: true, minApprovals: 2, approvers: ['bob', 'carol'] } },
    });
    expect(await alice.err('upsert_milestone', { workspace: WS, title: 'Q1' })).toBe('APPROVAL.PENDING');
    const bob = await as(BOB);
    const first = await bob.ok('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve' });
    expect(first.request).toMatchObject({ status: 'pending', rule: 'actions.upsert_milestone' });
    expect(first.result).toBeNull();
    expect((await alice.ok('list_milestones', { workspace: WS })).milestones).toHaveLength(0);
    const carol = await as(CAROL);
    const second = await carol.ok('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve' });
    expect(second.request.status).toBe('applied');
    expect(second.result.milestone.title).toBe('Q1');
  });

  it('records a change that fails when applied (a version conflict since) and says so', async () => {
    const { alice, as } = await setup({
      actions: { update_item: { required: true, minApprovals: 1, approvers: ['bob'] } },
    });
    const task = (await alice.ok('create_item', { workspace: WS, type: 'epic', title: 'E' })).item;
    expect(
      await alice.err('update_item', { workspace: WS, id: task.id, expectedVersion: 1, title: 'Renamed' }),
    ).toBe('APPROVAL.PENDING');
    await alice.ok('set_item_status', { workspace: WS, id: task.id, status: 'in_progress' }); // version 2
    const bob = await as(BOB);
    const r = await bob.call('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve' });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as {
      request: { status: string; outcome: { code: string } };
      result: unknown;
    };
    expect(out.request.status).toBe('failed');
    expect(out.request.outcome.code).toBe('ITEM.VERSION_CONFLICT');
    expect(out.result).toBeNull();
    expect((r.content[0] as { text: string }).text).toContain('failed: ITEM.VERSION_CONFLICT');
    expect((await alice.ok('get_item', { workspace: WS, id: task.id })).item.title).toBe('E');
    expect((await alice.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });

  it.each([
    { name: 'own change', by: ALICE, id: 'A-1', code: 'APPROVAL.SELF' },
    { name: 'no authority', by: DAVE, id: 'A-1', code: 'APPROVAL.FORBIDDEN' },
    { name: 'unknown id', by: BOB, id: 'A-99', code: 'APPROVAL.NOT_FOUND' },
    { name: 'twice by one approver', by: BOB, id: 'A-1', code: 'APPROVAL.DECIDED', before: 'approve' },
    { name: 'after a rejection', by: CAROL, id: 'A-1', code: 'APPROVAL.DECIDED', before: 'reject' },
    { name: 'after expiry', by: BOB, id: 'A-1', code: 'APPROVAL.EXPIRED', advance: 73 * HOUR },
  ])('refuses a decision: $name ($code), changing nothing', async ({ by, id, code, before, advance }) => {
    const { alice, as } = await setup(epicRule(['bob', 'carol'], 2));
    await alice.err('create_item', EPIC);
    const bob = await as(BOB);
    if (before) await bob.ok('decide_approval', { workspace: WS, id: 'A-1', decision: before });
    if (advance) alice.clock.advance(advance);
    const decider = by.id === 'alice' ? alice : by.id === 'bob' ? bob : await as(by);
    const seq = await alice.auditSeq();
    const statusBefore = (await items(alice))[0]!.status;
    expect(await decider.err('decide_approval', { workspace: WS, id, decision: 'approve' })).toBe(code);
    const after = await alice.auditAfter(seq);
    if (code === 'APPROVAL.EXPIRED') {
      expect(after.map((r) => r.action)).toEqual(['approval.expired']);
      expect((await items(alice))[0]!.status).toBe('expired');
      expect(await decider.err('decide_approval', { workspace: WS, id, decision: 'approve' })).toBe(
        'APPROVAL.DECIDED',
      );
    } else {
      expect(after).toEqual([]);
      expect((await items(alice))[0]!.status).toBe(statusBefore);
    }
    expect(await itemCount(alice)).toBe(0);
  });

  it.each([
    {
      name: 'a name that is no tool',
      approvals: { actions: { 'Not A Tool': { required: true, minApprovals: 1, approvers: [] } } },
    },
    { name: 'more approvals than approvers', approvals: epicRule(['bob'], 2) },
    { name: 'a zero expiry', approvals: { expiresAfterHours: 0 } },
  ])('refuses a policy with $name', async ({ approvals }) => {
    const alice = await connectClient({ backend, actor: ALICE });
    open.push(alice);
    const r = await alice.failure('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'bad',
      override: { compliance: { approvals } },
    });
    expect(r.code).toBe('CONFIG.INVALID');
    expect(await alice.ok('create_item', EPIC)).toMatchObject({ item: { type: 'epic' } });
  });

  it('lists by status and pages, a pending request past expiry showing as expired', async () => {
    const { alice } = await setup({ ...epicRule([]), expiresAfterHours: 1 });
    for (let i = 0; i < 3; i++) await alice.err('create_item', { ...EPIC, title: `E${i}` });
    const p1 = await alice.ok('list_approvals', { workspace: WS, limit: 2 });
    expect(p1.requests.map((r: { id: string }) => r.id)).toEqual(['A-1', 'A-2']);
    const p2 = await alice.ok('list_approvals', { workspace: WS, limit: 2, cursor: p1.nextCursor });
    expect(p2).toMatchObject({ requests: [{ id: 'A-3' }], nextCursor: null });
    alice.clock.advance(2 * HOUR);
    expect((await alice.ok('list_approvals', { workspace: WS, status: 'pending' })).requests).toEqual([]);
    expect((await alice.ok('list_approvals', { workspace: WS, status: 'expired' })).requests).toHaveLength(3);
  });

  it('applies once when two approvers decide at the same time', async () => {
    const { alice, as } = await setup(epicRule(['bob', 'carol']));
    await alice.err('create_item', EPIC);
    const [bob, carol] = [await as(BOB), await as(CAROL)];
    const args = { workspace: WS, id: 'A-1', decision: 'approve' };
    const results = await Promise.all([
      bob.call('decide_approval', args),
      carol.call('decide_approval', args),
    ]);
    const codes = results.map((r) => (r.isError ? errorPayload(r)?.code : 'ok')).sort();
    expect(codes).toEqual(['APPROVAL.DECIDED', 'ok']);
    expect(await itemCount(alice)).toBe(1);
    expect((await alice.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });

  it('decides a pending request from a new server on the same store', async () => {
    const { as } = await setup(epicRule(['bob']));
    const requester = await as(ALICE);
    expect(await requester.err('create_item', EPIC)).toBe('APPROVAL.PENDING');
    await requester.close(); // the requesting session and its server are gone
    const bob = await as(BOB);
    const r = await bob.ok('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve' });
    expect(r.request.status).toBe('applied');
    expect(r.result.item.title).toBe('Checkout');
  });

  describe('elicitation', () => {
    type Answer = 'approve' | 'reject' | 'decline' | 'cancel' | 'none';
    const answering = (answer: Answer, seen: ElicitRequest[]) => (req: ElicitRequest) => {
      seen.push(req);
      if (answer === 'none') return new Promise<ElicitResult>(() => undefined);
      if (answer === 'decline' || answer === 'cancel') return Promise.resolve({ action: answer });
      return Promise.resolve<ElicitResult>({ action: 'accept', content: { decision: answer } });
    };

    it.each<{ answer: Answer; code: string | null; status: string }>([
      { answer: 'approve', code: null, status: 'applied' },
      { answer: 'reject', code: 'APPROVAL.REJECTED', status: 'rejected' },
      { answer: 'decline', code: 'APPROVAL.PENDING', status: 'pending' },
      { answer: 'cancel', code: 'APPROVAL.PENDING', status: 'pending' },
      { answer: 'none', code: 'APPROVAL.PENDING', status: 'pending' },
    ])('answer $answer: $status', async ({ answer, code, status }) => {
      const seen: ElicitRequest[] = [];
      const { alice } = await setup(
        { ...epicRule(['alice', 'bob']), elicitationTimeoutSeconds: 0.3 },
        { elicitation: answering(answer, seen) },
      );
      const r = await alice.call('create_item', EPIC);
      expect(seen).toHaveLength(1);
      const message = (seen[0]!.params as { message: string }).message;
      expect(message).toContain('create_item');
      expect(message).toContain('"title":"Checkout"');
      const [request] = await items(alice);
      expect(request!.status).toBe(status);
      if (code === null) {
        expect(r.isError).toBeFalsy();
        expect((r.structuredContent as { item: { type: string } }).item.type).toBe('epic');
        const full = (await alice.ok('list_approvals', { workspace: WS })).requests[0];
        expect(full.decisions).toEqual([expect.objectContaining({ by: 'alice', via: 'elicitation' })]);
        expect(await itemCount(alice)).toBe(1);
      } else {
        expect(r.isError).toBe(true);
        expect(errorPayload(r)?.code).toBe(code);
        expect(await itemCount(alice)).toBe(0);
      }
      expect((await alice.ok('verify_audit', { workspace: WS })).ok).toBe(true);
    });

    it.each([
      { name: 'the user is not an approver', approvals: epicRule(['bob']) },
      {
        name: 'policy turns elicitation off',
        approvals: { ...epicRule(['alice', 'bob']), elicitation: false },
      },
    ])('does not ask when $name', async ({ approvals }) => {
      const seen: ElicitRequest[] = [];
      const { alice } = await setup(approvals, { elicitation: answering('approve', seen) });
      expect(await alice.err('create_item', EPIC)).toBe('APPROVAL.PENDING');
      expect(seen).toHaveLength(0);
    });

    it('counts the user once: a second approver still decides with minApprovals 2', async () => {
      const seen: ElicitRequest[] = [];
      const { alice, as } = await setup(epicRule(['alice', 'bob'], 2), {
        elicitation: answering('approve', seen),
      });
      const held = await alice.failure('create_item', EPIC);
      expect(held).toMatchObject({ code: 'APPROVAL.PENDING', details: { approvals: 1 } });
      expect(await alice.err('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve' })).toBe(
        'APPROVAL.SELF',
      );
      const bob = await as(BOB);
      expect(
        (await bob.ok('decide_approval', { workspace: WS, id: 'A-1', decision: 'approve' })).request.status,
      ).toBe('applied');
    });
  });
});
