/**
 * The workspace's GitHub Project and the assignees, through the MCP surface against the emulator:
 * setup_github_project makes the Project with its fields (dry run first, idempotent), the sync puts
 * every managed issue on it with Status, Priority, Estimate and Agent, a local change costs one write,
 * an adopted Project made by hand is mapped by option names, the policy's githubAssignee assigns the
 * issue while people assigned on GitHub stay, and a token without Projects access gets FORBIDDEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/governance/github-sync/marker.js';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { Issue, Project, ProjectItem } from './emulator/model.js';
import { createProject } from './emulator/projects.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

const WS = 'acme/web';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let c: Connected;

const tracker = (token: string) =>
  githubIssueTracker(
    createOctokit({ token, baseUrl: gh.url, backoffUnitMs: 1, writeIntervalMs: 0, log: silent }),
  );

beforeAll(async () => {
  gh = await startGitHubEmulator({ timeScale: 600 });
  gh.state.addToken('ghp_dev', 'dev-bot', { '*': 'read' });
  gh.state.addToken('ghp_qa', 'qa-bot', { '*': 'read' });
  gh.state.addToken('ghp_alice', 'alice', { '*': 'read' });
  c = await connectClient({ github: tracker('test-token') });
  await c.ok('update_config', {
    workspace: WS,
    scope: 'repo',
    reason: 'agents are GitHub users',
    override: {
      agents: { 'agent:dev': { githubAssignee: 'dev-bot' }, 'agent:qa': { githubAssignee: 'qa-bot' } },
    },
  });
});
afterAll(async () => {
  await c?.close();
  await gh?.close();
});

const itemOf = (p: Project, itemId: string): ProjectItem | undefined =>
  p.items.find((i) => parseMarker(i.content.body)?.itemId === itemId);

/** What the Project shows for an item, by field name: option names, numbers, text. */
function shown(p: Project, itemId: string): Record<string, unknown> {
  const item = itemOf(p, itemId);
  if (!item) return {};
  const out: Record<string, unknown> = {};
  for (const f of p.fields) {
    const v = item.values.get(f.nodeId);
    if (!v) continue;
    out[f.name] =
      'optionId' in v
        ? f.options.find((o) => o.id === v.optionId)?.name
        : 'number' in v
          ? v.number
          : 'text' in v
            ? v.text
            : v.date;
  }
  return out;
}

async function update(id: string, patch: Record<string, unknown>) {
  const { item } = await c.ok('get_item', { workspace: WS, id });
  return c.ok('update_item', { workspace: WS, id, expectedVersion: item.version, ...patch });
}

const issueOf = (itemId: string): Issue =>
  gh.state.repo('acme', 'web').issues.find((i) => parseMarker(i.body)?.itemId === itemId)!;

describe('setup_github_project and the Project sync', () => {
  let project: Project;
  const ids: Record<string, string> = {};

  it('sets up the Project: a dry run writes nothing, then fields and Status options are made once', async () => {
    const dry = await c.ok('setup_github_project', { workspace: WS });
    expect(dry.dryRun).toBe(true);
    expect(dry.project).toBeNull();
    expect(dry.actions.join('\n')).toMatch(/create Project "web governance"/);
    expect(dry.actions.join('\n')).toMatch(/add the Priority field/);
    expect(gh.state.projects).toHaveLength(0);

    const seq = await c.auditSeq(WS);
    const done = await c.ok('setup_github_project', { workspace: WS, dryRun: false });
    expect(gh.state.projects).toHaveLength(1);
    project = gh.state.projects[0]!;
    expect(done.project).toMatchObject({ number: project.number, owner: 'acme', title: 'web governance' });
    const fields = Object.fromEntries(project.fields.map((f) => [f.name, f]));
    expect(fields.Status!.options.map((o) => o.name)).toEqual([
      'Planning',
      'In progress',
      'Review',
      'Done',
      'Blocked',
      'Cancelled',
    ]);
    expect(fields.Priority!.options.map((o) => o.name)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    expect(fields.Estimate!.dataType).toBe('NUMBER');
    expect(fields.Agent!.dataType).toBe('TEXT');
    const records = await c.auditAfter(seq, WS);
    expect(records.map((r) => r.action)).toEqual(['github.project_linked']);
    expect(records[0]!.diff.project).toEqual({ old: null, new: done.project.url });

    // Again: the same Project, nothing to add.
    const again = await c.ok('setup_github_project', { workspace: WS, dryRun: false });
    expect(again.project.number).toBe(project.number);
    expect(again.actions.filter((a: string) => !a.startsWith('keep'))).toEqual([]);
    expect(again.requests.writes).toBe(0);
    expect(gh.state.projects).toHaveLength(1);
    expect(project.fields).toHaveLength(5);
  });

  it('puts every managed issue on the Project with its values and assignee, then writes nothing', async () => {
    const epic = await c.ok('create_item', { workspace: WS, type: 'epic', title: 'Checkout' });
    const feature = await c.ok('create_item', {
      workspace: WS,
      type: 'feature',
      title: 'Card payments',
      parentId: epic.item.id,
      priority: 'high',
    });
    const t1 = await c.ok('create_item', {
      workspace: WS,
      type: 'task',
      title: 'Charge the card',
      parentId: feature.item.id,
      agent: 'agent:dev',
      estimateDays: 3,
      priority: 'critical',
    });
    const t2 = await c.ok('create_item', {
      workspace: WS,
      type: 'task',
      title: 'Test refunds',
      parentId: feature.item.id,
      agent: 'agent:qa',
    });
    Object.assign(ids, { epic: epic.item.id, feature: feature.item.id, t1: t1.item.id, t2: t2.item.id });

    const plan = await c.ok('plan_github_sync', { workspace: WS });
    expect(plan.counts).toMatchObject({ issuesToCreate: 4, projectItemsToAdd: 4 });
    expect(plan.project).toMatchObject({ number: project.number, gaps: [] });
    // Each item: added, Status and Priority; the tasks also Agent, the first one Estimate.
    expect(plan.counts.projectValuesToSet).toBe(4 * 2 + 2 + 1);
    expect(plan.budget.projectWrites).toBe(4 + plan.counts.projectValuesToSet);
    const applied = await c.ok('apply_github_sync', { workspace: WS, planId: plan.planId, dryRun: false });
    expect(applied).toMatchObject({ unapplied: [], remainingWrites: 0 });

    expect(project.items).toHaveLength(4);
    expect(shown(project, ids.t1!)).toEqual({
      Status: 'Planning',
      Priority: 'Critical',
      Estimate: 3,
      Agent: 'agent:dev',
    });
    expect(shown(project, ids.feature!)).toMatchObject({ Status: 'Planning', Priority: 'High' });
    expect(shown(project, ids.feature!)).not.toHaveProperty('Agent');
    // The create carried the assignee the policy maps the agent service to.
    expect(issueOf(ids.t1!).assignees.map((u) => u.login)).toEqual(['dev-bot']);
    expect(issueOf(ids.t2!).assignees.map((u) => u.login)).toEqual(['qa-bot']);
    expect(issueOf(ids.epic!).assignees).toEqual([]);

    const next = await c.ok('plan_github_sync', { workspace: WS });
    expect(next.budget).toMatchObject({ contentCreating: 0, projectWrites: 0 });
  });

  it('costs one Project write for a status change, and keeps people assigned on GitHub', async () => {
    await c.ok('set_item_status', { workspace: WS, id: ids.t1, status: 'in_progress' });
    const plan = await c.ok('plan_github_sync', { workspace: WS });
    // The task and, rolled up, its feature and epic: one Status write each, nothing else.
    expect(plan.counts).toMatchObject({ issuesToUpdate: 0, projectItemsToAdd: 0, projectValuesToSet: 3 });
    expect(plan.budget.contentCreating).toBe(3);
    await c.ok('apply_github_sync', { workspace: WS, planId: plan.planId, dryRun: false });
    for (const id of [ids.t1!, ids.feature!, ids.epic!])
      expect(shown(project, id).Status).toBe('In progress');
    expect(shown(project, ids.t2!).Status).toBe('Planning');

    // A person assigns herself on GitHub; the task then moves to the QA service here.
    const issue = issueOf(ids.t1!);
    gh.state.updateIssue(issue, { assignees: ['dev-bot', 'alice'] });
    await update(ids.t1!, { agent: 'agent:qa' });
    const re = await c.ok('plan_github_sync', { workspace: WS });
    expect(re.updates).toEqual([
      expect.objectContaining({ itemId: ids.t1, fields: ['labels', 'assignees'] }),
    ]);
    const applied = await c.ok('apply_github_sync', { workspace: WS, planId: re.planId, dryRun: false });
    expect(applied).toMatchObject({ unapplied: [], remainingWrites: 0 });
    expect(issue.assignees.map((u) => u.login).sort()).toEqual(['alice', 'qa-bot']);
    expect(shown(project, ids.t1!).Agent).toBe('agent:qa');

    // Estimate removed here: the Project's value is cleared.
    await update(ids.t1!, { estimateDays: null });
    const cleared = await c.ok('plan_github_sync', { workspace: WS });
    expect(cleared.counts.projectValuesToSet).toBe(1);
    await c.ok('apply_github_sync', { workspace: WS, planId: cleared.planId, dryRun: false });
    expect(shown(project, ids.t1!)).not.toHaveProperty('Estimate');
  });

  it('adopts a Project made by hand: options found by name, what it cannot show reported', async () => {
    const ws = 'acme/api';
    gh.state.repository('acme', 'api');
    const org = gh.state.owners.get('acme')!;
    const manual = createProject(gh.state, org, 'Roadmap');
    const setup = await c.ok('setup_github_project', {
      workspace: ws,
      projectNumber: manual.number,
      dryRun: false,
    });
    expect(setup.actions[0]).toBe(`adopt Project acme#${manual.number} "Roadmap"`);
    // GitHub's default Status options are kept, never replaced.
    expect(manual.fields.find((f) => f.name === 'Status')!.options.map((o) => o.name)).toEqual([
      'Todo',
      'In Progress',
      'Done',
    ]);
    expect(setup.gaps.join('\n')).toMatch(/no option named "Planning"/);

    const epic = await c.ok('create_item', { workspace: ws, type: 'epic', title: 'Public API' });
    const review = await c.ok('create_item', {
      workspace: ws,
      type: 'feature',
      title: 'Rate limits',
      parentId: epic.item.id,
    });
    await c.ok('set_item_status', { workspace: ws, id: review.item.id, status: 'in_progress' });
    await c.ok('set_item_status', { workspace: ws, id: review.item.id, status: 'review' });
    const plan = await c.ok('plan_github_sync', { workspace: ws });
    expect(plan.project.gaps).toEqual([expect.stringMatching(/the Status field has no option for "review"/)]);
    const applied = await c.ok('apply_github_sync', { workspace: ws, planId: plan.planId, dryRun: false });
    // The epic rolled up to in progress: GitHub's "In Progress" option stands for it.
    expect(shown(manual, epic.item.id).Status).toBe('In Progress');
    expect(shown(manual, review.item.id)).not.toHaveProperty('Status');
    // The apply's plan says again what the Project cannot show; everything else is held.
    expect(applied.plan.project.gaps).toEqual(plan.project.gaps);
    expect(applied).toMatchObject({ unapplied: [], remainingWrites: 0 });
  });

  it('creates the missing issue types of an organisation with an admin token, and only those', async () => {
    gh.state.owner('globex', 'Organization');
    gh.state.repository('globex', 'app');
    gh.state.createIssueType('globex', { name: 'Task' });
    const dry = await c.ok('setup_github_project', { workspace: 'globex/app', issueTypes: true });
    expect(dry.actions.filter((a: string) => a.includes('issue type'))).toEqual([
      'create the Epic issue type in globex',
      'create the Feature issue type in globex',
    ]);
    expect(gh.state.owners.get('globex')!.issueTypes.map((t) => t.name)).toEqual(['Task']);

    gh.state.addToken('ghp_projects_only', 'octocat', { projects: 'write', metadata: 'read' });
    const member = await connectClient({ github: tracker('ghp_projects_only') });
    try {
      const refused = await member.failure('setup_github_project', {
        workspace: 'globex/app',
        issueTypes: true,
        dryRun: false,
      });
      expect(refused.code).toBe('GITHUB.FORBIDDEN');
      expect(refused.hint).toMatch(/Issue types: read and write/);
      expect(gh.state.projects.filter((p) => p.owner.login === 'globex')).toEqual([]);
    } finally {
      await member.close();
    }
    await c.ok('setup_github_project', { workspace: 'globex/app', issueTypes: true, dryRun: false });
    expect(
      gh.state.owners
        .get('globex')!
        .issueTypes.map((t) => t.name)
        .sort(),
    ).toEqual(['Epic', 'Feature', 'Task']);
    // A sync now types the issues natively instead of with type labels.
    const epic = await c.ok('create_item', { workspace: 'globex/app', type: 'epic', title: 'Launch' });
    const plan = await c.ok('plan_github_sync', { workspace: 'globex/app' });
    await c.ok('apply_github_sync', { workspace: 'globex/app', planId: plan.planId, dryRun: false });
    const made = gh.state
      .repo('globex', 'app')
      .issues.find((i) => parseMarker(i.body)?.itemId === epic.item.id)!;
    expect(made.type?.name).toBe('Epic');
    expect(made.labels.map((l) => l.name)).not.toContain('type:epic');
  });

  it('refuses a token without Projects access with the permission, and an unknown Project number', async () => {
    gh.state.addToken('ghp_issues_only', 'octocat', { issues: 'write', metadata: 'read' });
    const limited = await connectClient({ github: tracker('ghp_issues_only') });
    try {
      const err = await limited.failure('setup_github_project', { workspace: 'acme/web2', dryRun: false });
      gh.state.repository('acme', 'web2');
      const again = await limited.failure('setup_github_project', { workspace: 'acme/web2', dryRun: false });
      expect([err.code, again.code]).toEqual(['GITHUB.NOT_FOUND', 'GITHUB.FORBIDDEN']);
      expect(again.details?.permission).toMatch(/Projects: read and write/);
      expect(again.hint).toMatch(/Projects: read and write/);
    } finally {
      await limited.close();
    }
    const missing = await c.failure('setup_github_project', { workspace: WS, projectNumber: 99 });
    expect(missing.code).toBe('GITHUB.NOT_FOUND');
  });
});
