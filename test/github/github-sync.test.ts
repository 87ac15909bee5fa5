/**
 * The sync end to end against the emulator over real HTTP: a hierarchy planned, applied and read
 * back; a second run writes nothing; a create whose response is lost is found by its marker, not
 * made twice; a lost mapping is recovered from the markers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { applySyncPlan } from '../../src/governance/github-sync/apply.js';
import { desiredState, type DesiredState } from '../../src/governance/github-sync/desired.js';
import { diffSync } from '../../src/governance/github-sync/diff.js';
import { parseMarker } from '../../src/governance/github-sync/marker.js';
import type { ItemLink, WorkItem } from '../../src/governance/model/work-item.js';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { workItem } from '../unit/use-cases/fixtures.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const tracker = () =>
  githubIssueTracker(
    createOctokit({
      token: 'ghp_sync',
      baseUrl: gh.url,
      backoffUnitMs: 1,
      writeIntervalMs: 0,
      retries: 0,
      log: silent,
    }),
  );

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_sync'], timeScale: 600 });
});
afterAll(() => gh?.close());

/** 2 epics x 2 features x 3 tasks; each feature's second task blocked by its first; one done, one cancelled. */
function hierarchy(ws: string): { items: WorkItem[]; links: ItemLink[] } {
  const items: WorkItem[] = [];
  const links: ItemLink[] = [];
  let n = 0;
  const add = (
    type: WorkItem['type'],
    parentId: string | null,
    path: string,
    extra: Partial<WorkItem> = {},
  ) => {
    n++;
    const id = `${type === 'epic' ? 'E' : type === 'feature' ? 'F' : 'T'}-${n}`;
    items.push(workItem(id, { workspace: ws, type, title: `${type} ${n}`, parentId, path, ...extra }));
    return id;
  };
  for (let e = 1; e <= 2; e++) {
    const epic = add('epic', null, `${e}`);
    for (let f = 1; f <= 2; f++) {
      const feature = add('feature', epic, `${e}/${f}`, { description: `Feature ${f} of epic ${e}` });
      const tasks = [1, 2, 3].map((t) =>
        add(
          'task',
          feature,
          `${e}/${f}/${t}`,
          t === 3 && f === 1 ? { status: e === 1 ? 'done' : 'cancelled' } : {},
        ),
      );
      links.push({
        workspace: ws,
        blockerId: tasks[0]!,
        blockedId: tasks[1]!,
        createdAt: '2027-01-01T00:00:00Z',
      });
    }
  }
  return { items, links };
}

async function run(
  ws: string,
  repo: string,
  mapping = new Map<string, number>(),
  onCreate?: (n: number) => void,
) {
  const session = await tracker().open('acme', repo);
  const desired: DesiredState = desiredState({
    workspace: ws,
    ...hierarchy(ws),
    milestones: [],
    config: DEFAULT_CONFIG,
    issueTypes: session.issueTypes,
  });
  const plan = diffSync(desired, session.state, mapping);
  let creates = 0;
  const applied = await applySyncPlan(session, desired, plan, mapping, {
    onMapped: async (itemId, ref) => void mapping.set(itemId, ref.number),
    progress: async (_d, _t, message) => {
      if (message.startsWith('issue #') && message.includes(' for ')) onCreate?.(++creates);
    },
  });
  return { plan, applied, session, mapping };
}

describe('GitHub sync against the emulator', () => {
  it('materializes the hierarchy with one content-creating request per issue, and a re-run writes nothing', async () => {
    gh.state.repository('acme', 'sync1');
    const before = gh.contentCreating();
    const first = await run('acme/sync1', 'sync1');
    const issues = gh.state.repo('acme', 'sync1').issues;
    expect(issues).toHaveLength(18);
    // Issues: one create each; two close (done, cancelled); labels; four blocked-by links.
    const labels = first.plan.labels.create.length;
    expect(gh.contentCreating() - before).toBe(18 + 2 + labels + 4);
    const byItem = new Map(issues.map((i) => [parseMarker(i.body)!.itemId, i]));
    expect(byItem.get('T-3')!.parent?.number).toBe(byItem.get('F-2')!.number);
    expect(byItem.get('F-2')!.parent?.number).toBe(byItem.get('E-1')!.number);
    expect(byItem.get('E-1')!.type?.name).toBe('Epic');
    expect(byItem.get('T-4')!.blockedBy.map((b) => b.number)).toEqual([byItem.get('T-3')!.number]);
    expect([byItem.get('T-5')!.state, byItem.get('T-5')!.stateReason]).toEqual(['closed', 'completed']);
    expect([byItem.get('T-14')!.state, byItem.get('T-14')!.stateReason]).toEqual(['closed', 'not_planned']);

    const again = await run('acme/sync1', 'sync1', first.mapping);
    expect(again.plan.budget.contentCreating).toBe(0);
    expect(again.session.requests).toEqual({ reads: 2, writes: 0 });
    expect(gh.state.repo('acme', 'sync1').issues).toHaveLength(18);
  });

  it('finds a create whose response was lost by its marker and never makes a second issue', async () => {
    gh.state.repository('acme', 'sync2');
    const r = await run('acme/sync2', 'sync2', new Map(), (n) => {
      if (n === 3) gh.fault({ kind: 'lost-response', operation: 'createIssue' });
    });
    expect(r.applied.recovered).toHaveLength(1);
    const issues = gh.state.repo('acme', 'sync2').issues;
    expect(issues).toHaveLength(18);
    expect(new Set(issues.map((i) => parseMarker(i.body)!.itemId)).size).toBe(18);
  });

  it('recovers a lost mapping from the markers without creating anything', async () => {
    gh.state.repository('acme', 'sync3');
    await run('acme/sync3', 'sync3');
    const again = await run('acme/sync3', 'sync3', new Map());
    expect(again.plan.issues.create).toEqual([]);
    expect(again.plan.issues.adopt).toHaveLength(18);
    expect(again.plan.budget.contentCreating).toBe(0);
    expect(again.mapping.size).toBe(18);
  });
});
