/**
 * What an agent service does with its work, through MCP on SQLite and PostgreSQL: report_progress
 * (percent, note, revised estimate; the parents roll up), complete_item (to review once the
 * policy's quality gates pass, refused with the failing gates and nothing written otherwise),
 * list_overdue (milestone due date or start plus estimate, against the service's escalation
 * threshold) and escalate_item (reassign or flag to the human fallback), each audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { DomainError } from '../../src/governance/errors.js';
import { createOctokit } from '../../src/github/octokit.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { connectClient, useClient, WS, type BackendName, type Connected } from '../helpers/mcp.js';

const DAY = 86_400_000;
const CRITERIA = '## Acceptance criteria\n\n- The export downloads as CSV\n';

describe.each<BackendName>(['sqlite', 'postgres'])('agent work on %s', (backend) => {
  const c = useClient({ backend });

  async function feature(milestoneId?: string) {
    const epic = (
      await c().ok('create_item', {
        workspace: WS,
        type: 'epic',
        title: 'Reporting',
        ...(milestoneId && { milestoneId }),
      })
    ).item;
    return (
      await c().ok('create_item', { workspace: WS, type: 'feature', title: 'Exports', parentId: epic.id })
    ).item;
  }
  const task = async (parentId: string, title: string, extra: Record<string, unknown> = {}) =>
    (
      await c().ok('create_item', {
        workspace: WS,
        type: 'task',
        title,
        parentId,
        agent: 'agent:dev',
        ...extra,
      })
    ).item;
  const get = async (id: string) => (await c().ok('get_item', { workspace: WS, id })).item;

  it('records progress, starts a planning task, rolls up, and refuses what it cannot record', async () => {
    const f = await feature();
    const t1 = await task(f.id, 'Implement CSV export', { estimateDays: 2 });
    await task(f.id, 'Implement PDF export');
    const seq = await c().auditSeq();
    const r = await c().ok('report_progress', {
      workspace: WS,
      id: t1.id,
      percent: 40,
      note: 'writer done, headers left',
      estimateDays: 3,
      agent: 'agent:dev',
    });
    expect(r.changed).toBe(true);
    expect(r.item).toMatchObject({ status: 'in_progress', progress: 40, estimateDays: 3 });
    // The feature is the mean of its two tasks; the epic follows it.
    expect(r.rolledUp).toContainEqual(
      expect.objectContaining({ id: f.id, progress: 20, status: 'in_progress' }),
    );
    expect((await get(f.id)).progress).toBe(20);
    const records = await c().auditAfter(seq);
    const reported = records.find((x) => x.action === 'item.progress_reported');
    expect(reported).toMatchObject({ entityId: t1.id, reason: 'writer done, headers left' });
    expect(reported!.diff).toEqual({ progress: { old: 0, new: 40 }, estimateDays: { old: 2, new: 3 } });
    expect(records.map((x) => x.action)).toContain('item.status_changed');

    // The same values again, without a note: nothing to record.
    const again = await c().ok('report_progress', { workspace: WS, id: t1.id, percent: 40 });
    expect(again.changed).toBe(false);

    // A status change keeps the reported progress of an open leaf.
    await c().ok('set_item_status', { workspace: WS, id: t1.id, status: 'review' });
    expect((await get(t1.id)).progress).toBe(40);

    const before = await c().auditSeq();
    const parent = await c().failure('report_progress', { workspace: WS, id: f.id, percent: 10 });
    expect(parent.code).toBe('PROGRESS.ROLLED_UP');
    const other = await c().failure('report_progress', {
      workspace: WS,
      id: t1.id,
      percent: 60,
      agent: 'agent:qa',
    });
    expect(other.code).toBe('AGENT.NOT_ASSIGNED');
    expect(other.hint).toMatch(/agent:dev/);
    const bad = await c().failure('report_progress', { workspace: WS, id: t1.id, percent: 140 });
    expect(bad.code).toBe('INPUT.INVALID');
    expect(await c().auditSeq()).toBe(before);
    expect((await get(t1.id)).progress).toBe(40);
  });

  it('completes to review only when the quality gates pass, and writes nothing when they fail', async () => {
    const f = await feature();
    const t = await task(f.id, 'Implement CSV export');
    const seq = await c().auditSeq();
    const refused = await c().failure('complete_item', { workspace: WS, id: t.id, agent: 'agent:dev' });
    expect(refused.code).toBe('COMPLETION.GATES_FAILED');
    const gates = refused.details?.gates as { gate: string; outcome: string }[];
    expect(gates).toContainEqual(expect.objectContaining({ gate: 'acceptanceCriteria', outcome: 'failed' }));
    // Not synced to GitHub: the pull request gate does not apply.
    expect(gates).toContainEqual(expect.objectContaining({ gate: 'linkedPullRequest', outcome: 'skipped' }));
    expect(refused.message).toMatch(/acceptanceCriteria/);
    expect(await c().auditSeq()).toBe(seq);
    expect((await get(t.id)).status).toBe('planning');

    // A checklist counts as acceptance criteria too; a required section must be written.
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'tasks document their test plan',
      override: { compliance: { requiredDocumentation: { task: ['Test plan'] } } },
    });
    const withList = await c().ok('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: t.version,
      description: '- [ ] exports every column\n',
    });
    const sections = await c().failure('complete_item', { workspace: WS, id: t.id });
    expect(sections.code).toBe('COMPLETION.GATES_FAILED');
    expect(sections.details?.gates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ gate: 'acceptanceCriteria', outcome: 'passed' }),
        expect.objectContaining({
          gate: 'requiredSections',
          outcome: 'failed',
          detail: expect.stringMatching(/Test plan/),
        }),
      ]),
    );
    await c().ok('update_item', {
      workspace: WS,
      id: t.id,
      expectedVersion: withList.item.version,
      description: `${CRITERIA}\n## Test plan\n\nCompare with a hand-made file.\n`,
    });
    const okSeq = await c().auditSeq();
    const done = await c().ok('complete_item', { workspace: WS, id: t.id, note: 'ready for review' });
    expect(done).toMatchObject({ changed: true, item: { status: 'review' } });
    const records = await c().auditAfter(okSeq);
    // planning -> in_progress -> review, then the completion with its gates.
    expect(records.filter((x) => x.entityId === t.id).map((x) => x.action)).toEqual([
      'item.status_changed',
      'item.status_changed',
      'item.completed',
    ]);
    const completed = records.find((x) => x.action === 'item.completed')!;
    expect(completed.reason).toBe('ready for review');
    expect(completed.diff.gates!.new).toEqual([
      'acceptanceCriteria: passed',
      'requiredSections: passed',
      'linkedPullRequest: skipped',
    ]);
    const twice = await c().ok('complete_item', { workspace: WS, id: t.id });
    expect(twice.changed).toBe(false);

    await c().ok('set_item_status', { workspace: WS, id: t.id, status: 'done' });
    const closed = await c().failure('complete_item', { workspace: WS, id: t.id });
    expect(closed.code).toBe('STATUS.INVALID_TRANSITION');
  });

  it('lists overdue items against the escalation threshold and escalates them, audited', async () => {
    const now = Date.parse(c().clock.now());
    const due = new Date(now + 5 * DAY).toISOString().slice(0, 10);
    const m = (await c().ok('upsert_milestone', { workspace: WS, title: 'R1', dueOn: due })).milestone;
    const f = await feature(m.id);
    const late = await task(f.id, 'Implement CSV export');
    // Not in the milestone's subtree: due by its start plus estimate.
    const f2 = await feature();
    const slow = await task(f2.id, 'Implement PDF export', { estimateDays: 1 });
    await c().ok('report_progress', { workspace: WS, id: slow.id, percent: 10 });
    await task(f2.id, 'Implement XML export');

    expect((await c().ok('list_overdue', { workspace: WS })).total).toBe(0);
    const notDue = await c().failure('escalate_item', {
      workspace: WS,
      id: late.id,
      action: 'fallback',
      reason: 'late',
    });
    expect(notDue.code).toBe('ESCALATION.NOT_DUE');
    expect(notDue.hint).toMatch(/force/);

    // 7 days on: the milestone task is 1+ day past its due day (threshold 2: not yet), the
    // estimated one 6 days past (escalate).
    c().clock.advance(7 * DAY);
    const listed = await c().ok('list_overdue', { workspace: WS });
    expect(listed.items.map((o: { id: string }) => o.id)).toEqual([slow.id, late.id]);
    expect(listed.items[0]).toMatchObject({ dueSource: 'estimate', threshold: 2, escalate: true });
    expect(listed.items[0].daysOverdue).toBeCloseTo(6, 0);
    expect(listed.items[1]).toMatchObject({ dueSource: 'milestone', escalate: false });
    expect(listed.items[1].daysOverdue).toBeGreaterThan(1);
    expect(listed.items[1].daysOverdue).toBeLessThan(2);
    expect(listed.escalate).toBe(1);
    const only = await c().ok('list_overdue', { workspace: WS, escalateOnly: true });
    expect(only.items.map((o: { id: string }) => o.id)).toEqual([slow.id]);

    const seq = await c().auditSeq();
    const noFallback = await c().failure('escalate_item', {
      workspace: WS,
      id: slow.id,
      action: 'fallback',
      reason: 'stalled',
    });
    expect(noFallback.code).toBe('ESCALATION.NO_FALLBACK');
    expect(await c().auditSeq()).toBe(seq);

    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'a lead takes stalled work',
      override: { rules: { fallbackAssignee: 'octo-lead' } },
    });
    const flagged = await c().ok('escalate_item', {
      workspace: WS,
      id: slow.id,
      action: 'fallback',
      reason: 'stalled',
    });
    expect(flagged.item).toMatchObject({ agent: 'agent:dev', assignee: 'octo-lead' });
    expect(flagged.overdue.threshold).toBe(2);
    const [esc] = (await c().auditAfter(seq)).filter((x) => x.action === 'item.escalated');
    expect(esc).toMatchObject({ entityId: slow.id });
    expect(esc!.diff).toEqual({ assignee: { old: null, new: 'octo-lead' } });
    expect(esc!.reason).toMatch(/^fallback: stalled \(6(\.\d)? day\(s\) overdue/);

    // Reassign: to the best other capable service (the item names testing), or the one named.
    await c().ok('update_item', {
      workspace: WS,
      id: late.id,
      expectedVersion: (await get(late.id)).version,
      title: 'Implement and test CSV export',
    });
    const forced = await c().ok('escalate_item', {
      workspace: WS,
      id: late.id,
      action: 'reassign',
      reason: 'dev is swamped',
      force: true,
    });
    expect(forced.decision).toMatchObject({ agent: 'agent:qa', rule: 'capability' });
    expect(forced.item.agent).toBe('agent:qa');
    const unknown = await c().failure('escalate_item', {
      workspace: WS,
      id: late.id,
      action: 'reassign',
      agent: 'agent:nobody',
      reason: 'x',
      force: true,
    });
    expect(unknown.code).toBe('AGENT.UNKNOWN');
    expect((await c().failure('list_overdue', { workspace: 'nobody/here' })).code).toBe(
      'WORKSPACE.NOT_FOUND',
    );
    expect((await c().failure('list_overdue', { workspace: WS, limit: 0 })).code).toBe('INPUT.INVALID');
    expect(
      (await c().failure('escalate_item', { workspace: WS, id: late.id, action: 'page', reason: 'x' })).code,
    ).toBe('INPUT.INVALID');
    expect((await c().ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });
});

describe('complete_item on a workspace synced to GitHub', () => {
  let gh: GitHubEmulator;
  let c: Connected;
  const SHOP = 'acme/shop';
  beforeAll(async () => {
    gh = await startGitHubEmulator({ tokens: ['ghp_work'], timeScale: 600 });
    gh.state.repository('acme', 'shop');
    const octokit = createOctokit({
      token: 'ghp_work',
      baseUrl: gh.url,
      backoffUnitMs: 1,
      writeIntervalMs: 0,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    c = await connectClient({ github: githubIssueTracker(octokit) });
    await c.ok('apply_spec', {
      workspace: SHOP,
      text: '# Shop\n\n## Cart\n\n- Add an item to the cart\n',
      dryRun: false,
      asOf: '2027-02-10',
    });
    const plan = await c.ok('plan_github_sync', { workspace: SHOP });
    await c.ok('apply_github_sync', { workspace: SHOP, planId: plan.planId, dryRun: false });
    await c.ok('update_config', {
      workspace: SHOP,
      scope: 'repo',
      reason: 'synced work ships through pull requests',
      override: { compliance: { completionGates: ['linkedPullRequest'] } },
    });
  });
  afterAll(async () => {
    await c?.close();
    await gh?.close();
  });

  it('needs a linked pull request that GitHub knows, open or merged, given at completion or in the description', async () => {
    const items = (await c.ok('get_item_tree', { workspace: SHOP, limit: 100 })).items as {
      id: string;
      type: string;
    }[];
    const [t1] = items.filter((i) => i.type === 'task');
    const repo = gh.state.repository('acme', 'shop');
    const open = gh.state.createPullRequest(repo, { title: 'Cart: add items' });
    const closed = gh.state.createPullRequest(repo, { title: 'Abandoned', state: 'closed' });
    const seq = await c.auditSeq(SHOP);
    const refused = await c.failure('complete_item', { workspace: SHOP, id: t1!.id });
    expect(await c.auditSeq(SHOP)).toBe(seq);
    expect(refused.code).toBe('COMPLETION.GATES_FAILED');
    expect(refused.details?.gates).toEqual([
      expect.objectContaining({ gate: 'linkedPullRequest', outcome: 'failed' }),
    ]);
    // A number GitHub has no pull request under, an issue's number (the sync made #1), one closed
    // unmerged, given or linked in the description: refused.
    const t1Item = (await c.ok('get_item', { workspace: SHOP, id: t1!.id })).item;
    await c.ok('update_item', {
      workspace: SHOP,
      id: t1!.id,
      expectedVersion: t1Item.version,
      description: `${t1Item.description}\n\nDelivered in PR #${closed.number}.`,
    });
    const seq2 = await c.auditSeq(SHOP);
    for (const [pullRequest, why] of [
      [`#${closed.number + 100}`, 'does not exist on GitHub'],
      ['#1', 'does not exist on GitHub'],
      [undefined, `#${closed.number} was closed without being merged`],
    ] as const) {
      const r = await c.failure('complete_item', {
        workspace: SHOP,
        id: t1!.id,
        ...(pullRequest !== undefined && { pullRequest }),
      });
      expect(r.code).toBe('COMPLETION.GATES_FAILED');
      expect((r.details?.gates as { detail: string }[])[0]!.detail).toContain(why);
    }
    expect(await c.auditSeq(SHOP)).toBe(seq2);
    const done = await c.ok('complete_item', { workspace: SHOP, id: t1!.id, pullRequest: `#${open.number}` });
    expect(done.gates).toEqual([
      {
        gate: 'linkedPullRequest',
        outcome: 'passed',
        detail: expect.stringMatching(new RegExp(`/acme/shop/pull/${open.number} \\(open\\)$`)),
      },
    ]);
    const completed = (await c.auditAfter(seq2, SHOP)).find((x) => x.action === 'item.completed')!;
    expect(completed.diff.pullRequest).toEqual({
      old: null,
      new: `https://github.com/acme/shop/pull/${open.number}`,
    });
    const bad = await c.failure('complete_item', { workspace: SHOP, id: t1!.id, pullRequest: 'soon' });
    expect(bad.code).toBe('INPUT.INVALID');
  });

  it('passes the gate as not checked for a caller with no GitHub access of its own', async () => {
    const noAccess = new DomainError(
      'GITHUB.NOT_CONFIGURED',
      'No GitHub access for this call',
      'Add a token.',
    );
    const other = await connectClient({
      share: c,
      github: {
        open: () => Promise.reject(noAccess),
        setup: () => Promise.reject(noAccess),
        pullRequest: () => Promise.reject(noAccess),
      },
    });
    try {
      const feature = (await other.ok('get_item_tree', { workspace: SHOP, limit: 100 })).items.find(
        (i: { type: string }) => i.type === 'feature',
      );
      const task = (
        await other.ok('create_item', {
          workspace: SHOP,
          type: 'task',
          title: 'Task: Show the cart total',
          parentId: feature.id,
          agent: 'agent:dev',
        })
      ).item;
      await c.store.write(SHOP, (tx) =>
        tx.putIssueMapping({
          workspace: SHOP,
          itemId: task.id,
          repository: SHOP,
          number: 900,
          issueId: 900,
          nodeId: 'I_900',
          syncedAt: '2027-02-10T00:00:00.000Z',
        }),
      );
      const done = await other.ok('complete_item', { workspace: SHOP, id: task.id, pullRequest: '#3' });
      expect(done.gates).toEqual([
        {
          gate: 'linkedPullRequest',
          outcome: 'passed',
          detail:
            'pull request https://github.com/acme/shop/pull/3 (not checked on GitHub: no GitHub access for this caller)',
        },
      ]);
    } finally {
      await other.close();
    }
  });
});
