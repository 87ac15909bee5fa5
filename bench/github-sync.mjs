// The GitHub sync on a 300-item hierarchy (10 epics, 30 features, 260 tasks, 30 blocked-by links)
// against the emulator at GitHub's real secondary limits (80 content-creating requests a minute,
// 500 an hour), time-scaled so a minute lasts 60 / --time-scale seconds; then an unchanged re-sync.
// Usage: node --import tsx bench/github-sync.mjs [--time-scale 10] [--project]
// --project: the workspace also has a GitHub Project (Status, Priority, Estimate, Agent) that every
// issue is put on; projectWrites and projectWritesPerItem say what that costs.
// The scale shortens GitHub's pacing but not the emulator's answer time, so a large scale makes every
// write wait on latency rather than on the limit: at 10 (77 ms between writes) the limit still decides.
// Prints one JSON object: contentRequestsPerIssue (issue creates and closes over issues created;
// labels and links on their own lines), requestsPerItem (all requests over items), resyncReadsPer100,
// resyncWrites, and wallToFloorRatio (wall time over the time 80 a minute imposes on those writes).
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONFIG } from '../src/governance/config/defaults.ts';
import { applySyncPlan } from '../src/governance/github-sync/apply.ts';
import { desiredState } from '../src/governance/github-sync/desired.ts';
import { diffSync, floorSeconds } from '../src/governance/github-sync/diff.ts';
import { githubIssueTracker } from '../src/github/issue-tracker.ts';
import { projectSetup } from '../src/github/project-state.ts';
import { createOctokit, WRITE_INTERVAL_MS } from '../src/github/octokit.ts';
import { startGitHubEmulator } from '../test/github/emulator/server.ts';

const argv = process.argv.slice(2);
const timeScale = argv.includes('--time-scale') ? Number(argv[argv.indexOf('--time-scale') + 1]) : 10;
const withProject = argv.includes('--project');
const WS = 'acme/bench';
const AT = '2027-01-01T00:00:00.000Z';

function hierarchy() {
  const items = [];
  const links = [];
  let seq = 0;
  const add = (type, parentId, path, extra = {}) => {
    seq++;
    const id = `${type === 'epic' ? 'E' : type === 'feature' ? 'F' : 'T'}-${seq}`;
    items.push({
      workspace: WS,
      id,
      seq,
      type,
      title: `${type} ${seq}`,
      description: `The ${type} number ${seq}.`,
      status: 'planning',
      statusReason: null,
      priority: 'medium',
      agent: type === 'task' ? 'agent:dev' : null,
      estimateDays: null,
      milestoneId: null,
      labels: [],
      parentId,
      path,
      depth: path.split('/').length - 1,
      progress: 0,
      createdAt: AT,
      updatedAt: AT,
      startedAt: null,
      completedAt: null,
      version: 1,
      ...extra,
    });
    return id;
  };
  let tasks = 0;
  for (let e = 0; e < 10; e++) {
    const epic = add('epic', null, String(e).padStart(4, '0'));
    for (let f = 0; f < 3; f++) {
      const feature = add('feature', epic, `${String(e).padStart(4, '0')}/${f}`);
      // 20 features of 9 tasks and 10 of 8: 260 tasks.
      const n = e * 3 + f < 20 ? 9 : 8;
      const ids = [];
      for (let t = 0; t < n; t++, tasks++) {
        ids.push(add('task', feature, `${String(e).padStart(4, '0')}/${f}/${String(t).padStart(2, '0')}`));
      }
      links.push({ workspace: WS, blockerId: ids[0], blockedId: ids[1], createdAt: AT });
    }
  }
  return { items, links };
}

const gh = await startGitHubEmulator({ tokens: ['ghp_bench'], timeScale });
gh.state.repository('acme', 'bench');
const octokit = createOctokit({
  token: 'ghp_bench',
  baseUrl: gh.url,
  backoffUnitMs: 1000 / timeScale,
  writeIntervalMs: WRITE_INTERVAL_MS / timeScale,
  log: { debug() {}, info() {}, warn() {}, error() {} },
});
const { items, links } = hierarchy();
const mapping = new Map();

let project;
if (withProject) {
  const setup = await projectSetup(octokit, 'acme', 'bench');
  const made = await setup.createProject('bench');
  await setup.createField(made.id, 'Priority', 'SINGLE_SELECT', [
    ...['Critical', 'High', 'Medium', 'Low'].map((name) => ({ name, color: 'GRAY', description: '' })),
  ]);
  await setup.createField(made.id, 'Estimate', 'NUMBER');
  await setup.createField(made.id, 'Agent', 'TEXT');
  project = {
    workspace: WS,
    owner: 'acme',
    number: made.number,
    nodeId: made.id,
    title: made.title,
    url: made.url,
    linkedAt: AT,
  };
}

async function sync() {
  const session = await githubIssueTracker(octokit).open(
    'acme',
    'bench',
    undefined,
    project ? { project } : {},
  );
  const desired = desiredState({
    workspace: WS,
    items,
    links,
    milestones: [],
    config: DEFAULT_CONFIG,
    issueTypes: session.issueTypes,
  });
  const plan = diffSync(desired, session.state, mapping);
  await applySyncPlan(session, desired, plan, mapping, {
    onMapped: async (id, ref) => void mapping.set(id, ref.number),
  });
  return { plan, session };
}

const before = gh.requests.length;
const started = performance.now();
const first = await sync();
const wallSeconds = (performance.now() - started) / 1000;
const firstRequests = gh.requests.slice(before);
const writes = firstRequests.filter((r) => r.contentCreating).length;
const floor = floorSeconds(writes) / timeScale;

const resyncFrom = gh.requests.length;
const second = await sync();
const resync = gh.requests.slice(resyncFrom);

const issues = first.plan.issues.create.length;
const round = (x) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify(
    {
      bench: 'github-sync',
      items: items.length,
      timeScale,
      issuesCreated: gh.state.repo('acme', 'bench').issues.length,
      contentRequestsPerIssue: round(
        (issues + first.plan.issues.create.filter((i) => i.state === 'closed').length) / issues,
      ),
      labelWrites: first.plan.labels.create.length + first.plan.labels.update.length,
      dependencyWrites: first.plan.dependencies.add.length,
      contentCreatingTotal: writes,
      projectWrites: first.plan.budget.projectWrites,
      projectWritesPerItem: round(first.plan.budget.projectWrites / items.length),
      requestsPerItem: round(firstRequests.length / items.length),
      resyncReadsPer100: round((resync.filter((r) => !r.contentCreating).length / items.length) * 100),
      resyncWrites: resync.filter((r) => r.contentCreating).length + second.plan.budget.contentCreating,
      wallSeconds: round(wallSeconds),
      floorSeconds: round(floor),
      wallToFloorRatio: round(wallSeconds / floor),
      refusedBySecondaryLimit: firstRequests.filter((r) => r.status === 403 || r.status === 429).length,
    },
    null,
    2,
  ),
);
await gh.close();
