/** The Project diff: fields and options found by name and synonym, values compared, gaps said once. */
import { describe, expect, it } from 'vitest';
import type { DesiredIssue } from '../../src/governance/github-sync/desired.js';
import { diffProject, type CurrentProject } from '../../src/governance/github-sync/project.js';

const issue = (itemId: string, p: Partial<DesiredIssue['project']> = {}): DesiredIssue => ({
  itemId,
  type: 'task',
  title: itemId,
  body: '',
  state: 'open',
  stateReason: null,
  labels: [],
  milestoneId: null,
  parentId: null,
  blockedBy: [],
  issueType: null,
  assignees: [],
  project: { status: 'planning', priority: 'medium', estimateDays: null, agent: null, ...p },
});

const opts = (...names: string[]) => names.map((name, i) => ({ id: `${name}-${i}`, name }));

function board(items: CurrentProject['items'] = []): CurrentProject {
  return {
    id: 'PVT_1',
    number: 1,
    title: 'Board',
    url: 'https://github.com/orgs/acme/projects/1',
    repository: 'acme/web',
    fields: [
      {
        id: 'F_status',
        name: 'status',
        dataType: 'SINGLE_SELECT',
        options: opts('Todo', 'In Progress', 'Done'),
      },
      { id: 'F_prio', name: 'Priority', dataType: 'SINGLE_SELECT', options: opts('P0', 'P1', 'P2', 'P3') },
      { id: 'F_est', name: 'Estimate', dataType: 'NUMBER', options: [] },
      { id: 'F_agent', name: 'Agent', dataType: 'TEXT', options: [] },
    ],
    items,
  };
}

describe('diffProject', () => {
  it('adds missing items with their values, mapping statuses and priorities by synonym', () => {
    const plan = diffProject(
      [
        issue('T-1', { status: 'in_progress', priority: 'high', estimateDays: 2, agent: 'agent:dev' }),
        issue('T-2'),
      ],
      board(),
      () => undefined,
    );
    expect(plan.add).toEqual(['T-1', 'T-2']);
    expect(plan.set.filter((s) => s.itemId === 'T-1').map((s) => [s.field, s.value])).toEqual([
      ['status', { optionId: 'In Progress-1' }],
      ['priority', { optionId: 'P1-1' }],
      ['estimate', { number: 2 }],
      ['agent', { text: 'agent:dev' }],
    ]);
    // No estimate and no agent on a new item: nothing to clear.
    expect(plan.set.filter((s) => s.itemId === 'T-2').map((s) => s.field)).toEqual(['status', 'priority']);
    expect(plan.writes).toBe(2 + 6);
    expect(plan.gaps).toEqual([]);
  });

  it('writes only what differs, clears what the item lost, and leaves other repositories alone', () => {
    const values = new Map([
      ['F_status', { optionId: 'Todo-0' }],
      ['F_prio', { optionId: 'P2-2' }],
      ['F_est', { number: 5 }],
      ['F_agent', { text: 'agent:dev' }],
    ]);
    const p = board([
      { id: 'PVTI_1', repository: 'acme/web', number: 7, values },
      { id: 'PVTI_2', repository: 'acme/other', number: 8, values: new Map() },
    ]);
    const numbers = new Map([
      ['T-1', 7],
      ['T-2', 8],
    ]);
    const plan = diffProject([issue('T-1', { agent: 'agent:qa' }), issue('T-2')], p, (i) => numbers.get(i));
    // T-2's issue #8 of this repository is not on the board (the item #8 is another repository's).
    expect(plan.add).toEqual(['T-2']);
    expect(plan.set.filter((s) => s.itemId === 'T-1')).toEqual([
      { itemId: 'T-1', field: 'estimate', fieldId: 'F_est', value: null },
      { itemId: 'T-1', field: 'agent', fieldId: 'F_agent', value: { text: 'agent:qa' } },
    ]);
  });

  it('reports a missing field or option once and writes nothing to it', () => {
    const p = board();
    p.fields = p.fields.filter((f) => f.name !== 'Estimate');
    const plan = diffProject(
      [issue('T-1', { status: 'review', estimateDays: 3 }), issue('T-2', { status: 'review' })],
      p,
      () => undefined,
    );
    expect(plan.gaps).toEqual([
      'the Project has no Estimate field (setup_github_project adds it)',
      expect.stringMatching(/^the status field has no option for "review"/),
    ]);
    expect(plan.set.some((s) => s.field === 'status' || s.field === 'estimate')).toBe(false);
  });
});
