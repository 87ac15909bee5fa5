/**
 * The sync's plan, pure: the desired GitHub state of a hierarchy under its policy, and the diff
 * against what GitHub holds (mapping rows first, then markers; unmanaged issues left alone).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import {
  desiredState,
  GITHUB_LIMITS,
  type DesiredInput,
  type DesiredState,
} from '../../src/governance/github-sync/desired.js';
import {
  diffSync,
  floorSeconds,
  type CurrentIssue,
  type CurrentState,
} from '../../src/governance/github-sync/diff.js';
import { descriptionOf, issueBody, marker, parseMarker } from '../../src/governance/github-sync/marker.js';
import type { Milestone } from '../../src/governance/model/milestone.js';
import type { ItemLink, WorkItem } from '../../src/governance/model/work-item.js';
import { workItem } from './use-cases/fixtures.js';

const WS = 'acme/web';

/** E-1 > F-2 > (T-3, T-4), T-4 blocked by T-3; T-3 done, T-4 cancelled, F-2 on M-1. */
function hierarchy(): { items: WorkItem[]; links: ItemLink[]; milestones: Milestone[] } {
  const at = '2027-01-01T00:00:00.000Z';
  return {
    items: [
      workItem('E-1', { workspace: WS, type: 'epic', title: 'Checkout', path: '1', priority: 'high' }),
      workItem('F-2', {
        workspace: WS,
        type: 'feature',
        title: 'Cart',
        parentId: 'E-1',
        path: '1/2',
        depth: 1,
        milestoneId: 'M-1',
        description: '## Acceptance criteria\n\n- works\n',
      }),
      workItem('T-3', {
        workspace: WS,
        title: 'Add to cart',
        parentId: 'F-2',
        path: '1/2/3',
        depth: 2,
        status: 'done',
        agent: 'agent:dev',
        labels: ['frontend'],
      }),
      workItem('T-4', {
        workspace: WS,
        title: 'Remove from cart',
        parentId: 'F-2',
        path: '1/2/4',
        depth: 2,
        status: 'cancelled',
        statusReason: 'out of scope',
      }),
    ],
    links: [{ workspace: WS, blockerId: 'T-3', blockedId: 'T-4', createdAt: at }],
    milestones: [
      {
        workspace: WS,
        id: 'M-1',
        title: 'v1',
        description: '',
        dueOn: '2027-03-01',
        state: 'open',
        createdAt: at,
        updatedAt: at,
        version: 1,
      },
    ],
  };
}

const desired = (extra: Partial<DesiredInput> = {}): DesiredState =>
  desiredState({ workspace: WS, ...hierarchy(), config: DEFAULT_CONFIG, issueTypes: [], ...extra });

/** What GitHub holds after a perfect apply of `d`: the diff against it must be empty. */
function applied(d: DesiredState): { current: CurrentState; mapping: Map<string, number> } {
  const number = new Map(d.issues.map((i, k) => [i.itemId, k + 1]));
  const title = new Map(d.milestones.map((m) => [m.id, m.title]));
  const issues: CurrentIssue[] = d.issues.map((i) => ({
    number: number.get(i.itemId)!,
    id: 1000 + number.get(i.itemId)!,
    nodeId: `I_${i.itemId}`,
    title: i.title,
    body: i.body,
    state: i.state,
    stateReason: i.stateReason,
    labels: [...i.labels].reverse(),
    milestoneTitle: i.milestoneId ? title.get(i.milestoneId)! : null,
    parentNumber: i.parentId ? number.get(i.parentId)! : null,
    blockedBy: i.blockedBy.map((b) => number.get(b)!),
    issueType: i.issueType,
    assignees: [...i.assignees],
  }));
  return {
    current: {
      labels: d.labels.map((l) => ({ ...l, color: l.color.toUpperCase() })),
      milestones: d.milestones.map((m, k) => ({ ...m, number: k + 1 })),
      issues,
    },
    mapping: number,
  };
}

describe('marker', () => {
  it('round-trips and is the only thing taken off the body', () => {
    const ref = { workspace: WS, itemId: 'T-42' };
    const body = issueBody('Some text\n\n', ref);
    expect(body).toBe(`Some text\n\n${marker(ref)}`);
    expect(parseMarker(body)).toEqual(ref);
    expect(descriptionOf(body)).toBe('Some text');
    expect(parseMarker('no marker <!-- governance-factory: workspace=x item=T-1 -->')).toBeUndefined();
  });
});

describe('desiredState', () => {
  it('maps status, labels with policy colours, milestone, parent and blockers', () => {
    const d = desired();
    expect(d.problems).toEqual([]);
    expect(d.issues.map((i) => [i.itemId, i.parentId, i.state, i.stateReason])).toEqual([
      ['E-1', null, 'open', null],
      ['F-2', 'E-1', 'open', null],
      ['T-3', 'F-2', 'closed', 'completed'],
      ['T-4', 'F-2', 'closed', 'not_planned'],
    ]);
    const t3 = d.issues.find((i) => i.itemId === 'T-3')!;
    expect(t3.labels).toEqual(['agent:dev', 'frontend', 'priority:medium', 'type:task']);
    expect(d.issues.find((i) => i.itemId === 'T-4')!.blockedBy).toEqual(['T-3']);
    expect(d.issues.find((i) => i.itemId === 'F-2')!.milestoneId).toBe('M-1');
    expect(parseMarker(t3.body)).toEqual({ workspace: WS, itemId: 'T-3' });
    const byName = new Map(d.labels.map((l) => [l.name, l]));
    expect(byName.get('type:epic')).toEqual(DEFAULT_CONFIG.labels.type.epic);
    expect(byName.get('frontend')).toEqual({ name: 'frontend', color: 'ededed', description: '' });
  });

  it("uses the organisation's issue types where they exist, and the type label otherwise", () => {
    const d = desired({ issueTypes: ['Epic', 'Bug', 'task'] });
    const of = (id: string) => d.issues.find((i) => i.itemId === id)!;
    expect([of('E-1').issueType, of('F-2').issueType, of('T-3').issueType]).toEqual(['Epic', null, 'task']);
    expect(of('E-1').labels).not.toContain('type:epic');
    expect(of('F-2').labels).toContain('type:feature');
  });

  it("reports GitHub's limits before anything is written", () => {
    const h = hierarchy();
    h.items[0]!.description = 'x'.repeat(GITHUB_LIMITS.body);
    for (let k = 0; k < 101; k++) {
      h.items.push(workItem(`T-${100 + k}`, { workspace: WS, parentId: 'F-2', path: `1/2/${100 + k}` }));
    }
    const d = desiredState({ workspace: WS, ...h, config: DEFAULT_CONFIG, issueTypes: [] });
    expect(d.problems.map((p) => [p.itemId, p.limit])).toEqual([
      ['E-1', 'body'],
      ['F-2', 'subIssuesPerParent'],
    ]);
    const plan = diffSync(d, { labels: [], milestones: [], issues: [] }, new Map());
    expect(plan.issues.create).toEqual([]);
    expect(plan.budget.contentCreating).toBe(0);
  });
});

describe('diffSync', () => {
  it('creates everything on an empty repository, parents first, blockers after', () => {
    const d = desired();
    const plan = diffSync(d, { labels: [], milestones: [], issues: [] }, new Map());
    expect(plan.issues.create.map((i) => i.itemId)).toEqual(['E-1', 'F-2', 'T-3', 'T-4']);
    expect(plan.labels.create.map((l) => l.name)).toEqual(d.labels.map((l) => l.name));
    expect(plan.milestones.create.map((m) => m.title)).toEqual(['v1']);
    expect(plan.dependencies.add).toEqual([{ itemId: 'T-4', blockerItemId: 'T-3' }]);
    expect(plan.parents).toEqual([]);
    const writes = d.labels.length + 1 + 4 + 1;
    expect(plan.budget).toEqual({
      contentCreating: writes,
      projectWrites: 0,
      floorSeconds: floorSeconds(writes),
    });
  });

  it('plans no write for what GitHub already holds (labels compared without case)', () => {
    const d = desired();
    const { current, mapping } = applied(d);
    const plan = diffSync(d, current, mapping);
    expect(plan.budget.contentCreating).toBe(0);
    expect(plan.issues.adopt).toEqual([]);
  });

  it('adopts issues by marker when the mapping is lost, and creates none again', () => {
    const d = desired();
    const { current } = applied(d);
    const plan = diffSync(d, current, new Map());
    expect(plan.issues.create).toEqual([]);
    expect(plan.issues.adopt.map((a) => a.itemId)).toEqual(['E-1', 'F-2', 'T-3', 'T-4']);
    expect(plan.budget.contentCreating).toBe(0);
  });

  it('updates what drifted, reparents, unlinks, and leaves unmanaged issues alone', () => {
    const d = desired();
    const { current, mapping } = applied(d);
    const t3 = current.issues.find((i) => i.number === mapping.get('T-3'))!;
    t3.title = 'Renamed on GitHub';
    t3.state = 'open';
    t3.stateReason = null;
    const t4 = current.issues.find((i) => i.number === mapping.get('T-4'))!;
    t4.parentNumber = mapping.get('E-1')!;
    t4.blockedBy.push(mapping.get('E-1')!, 99);
    current.labels.find((l) => l.name === 'frontend')!.color = '000000';
    current.issues.push({ ...t3, number: 99, body: 'someone else', title: 'Unmanaged' });
    const plan = diffSync(d, current, mapping);
    expect(plan.issues.update.map((u) => [u.itemId, u.fields])).toEqual([['T-3', ['title', 'state']]]);
    expect(plan.parents).toEqual([{ itemId: 'T-4', number: mapping.get('T-4'), parentItemId: 'F-2' }]);
    expect(plan.dependencies.remove).toEqual([
      { number: mapping.get('T-4'), blockerNumber: mapping.get('E-1') },
    ]);
    expect(plan.labels.update.map((l) => l.name)).toEqual(['frontend']);
    expect(plan.unmanaged).toBe(1);
    expect(plan.budget.contentCreating).toBe(4);
  });

  it.each([
    [0, 0],
    [1, 0],
    [81, 60],
    [501, 3600],
  ])('%i writes take at least %i s at 80 a minute and 500 an hour', (writes, seconds) => {
    expect(floorSeconds(writes)).toBe(seconds);
  });
});
