/**
 * The IssueTracker port on GitHub. Creates go through GraphQL `createIssue`, so the parent, labels,
 * milestone and issue type travel in the one content-creating request; updates through REST
 * `PATCH /issues/{n}`, which sets title, body, state with its reason, labels, milestone and type at
 * once; sub-issue and blocked-by links through their GraphQL mutations. Every failure is a typed
 * GitHub error naming what was being written.
 */
import type { DesiredIssue, DesiredLabel, DesiredMilestone } from '../governance/github-sync/desired.js';
import type { IssueField } from '../governance/github-sync/diff.js';
import { parseMarker } from '../governance/github-sync/marker.js';
import type {
  IssueRef,
  IssueTracker,
  OpenOptions,
  TrackerSession,
  PullRequestState,
} from '../governance/ports/issue-tracker.js';
import { DomainError } from '../governance/errors.js';
import { fromGitHubError, isGitHubHttpError } from './errors.js';
import type { GitHubClient } from './octokit.js';
import { projectSetup, projectWrites, readProject } from './project-state.js';
import { readRepositoryState } from './repository-state.js';

const CREATE = `mutation CreateManagedIssue($input: CreateIssueInput!) {
  createIssue(input: $input) { issue { id number databaseId } }
}`;
const CLOSE = `mutation CloseManagedIssue($id: ID!, $reason: IssueClosedStateReason!) {
  closeIssue(input: { issueId: $id, stateReason: $reason }) { issue { id } }
}`;
const SET_PARENT = `mutation SetParent($parent: ID!, $child: ID!) {
  addSubIssue(input: { issueId: $parent, subIssueId: $child, replaceParent: true }) { issue { id } }
}`;
const DETACH = `mutation Detach($parent: ID!, $child: ID!) {
  removeSubIssue(input: { issueId: $parent, subIssueId: $child }) { issue { id } }
}`;
const BLOCK = `mutation AddBlockedBy($issue: ID!, $blocker: ID!) {
  addBlockedBy(input: { issueId: $issue, blockingIssueId: $blocker }) { issue { id } }
}`;
const UNBLOCK = `mutation RemoveBlockedBy($issue: ID!, $blocker: ID!) {
  removeBlockedBy(input: { issueId: $issue, blockingIssueId: $blocker }) { issue { id } }
}`;

/** How many of the newest issues a marker search looks at: a run creates one issue at a time. */
const RECENT = 30;

export function githubIssueTracker(octokit: GitHubClient): IssueTracker {
  return {
    open: (owner, repo, _caller, opts) => openSession(octokit, owner, repo, opts ?? {}),
    setup: (owner, repo) => projectSetup(octokit, owner, repo),
    pullRequest: (owner, repo, number) => pullRequest(octokit, owner, repo, number),
  };
}

async function pullRequest(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  number: number,
): Promise<PullRequestState | 'forbidden' | undefined> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
    return {
      number: data.number,
      url: data.html_url,
      state: data.state === 'closed' ? 'closed' : 'open',
      merged: data.merged || data.merged_at !== null,
      draft: data.draft ?? false,
    };
  } catch (err) {
    if (isGitHubHttpError(err) && err.status === 404) return undefined;
    const mapped = fromGitHubError(err, { what: `pull request #${number} of ${owner}/${repo}` });
    // A token without the pull requests permission (a rate limit, a 403 too, stays an error).
    if (mapped instanceof DomainError && mapped.code === 'GITHUB.FORBIDDEN') return 'forbidden';
    throw mapped;
  }
}

/** GraphQL node ids of the logins (null for one GitHub does not know), in one request. */
async function userIds(octokit: GitHubClient, logins: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (logins.length === 0) return out;
  const doc = `query AssigneeIds(${logins.map((_, i) => `$u${i}: String!`).join(', ')}) {
    ${logins.map((_, i) => `u${i}: user(login: $u${i}) { id login }`).join('\n    ')}
  }`;
  const vars = Object.fromEntries(logins.map((l, i) => [`u${i}`, l]));
  let r: Record<string, { id: string; login: string } | null>;
  try {
    r = await octokit.graphql<typeof r>(doc, vars);
  } catch (err) {
    // GitHub answers an unknown login with a NOT_FOUND error next to the users it found.
    const partial = (err as { data?: typeof r }).data;
    if (!partial) throw fromGitHubError(err, { what: 'the assignees' });
    r = partial;
  }
  for (const u of Object.values(r)) if (u) out.set(u.login.toLowerCase(), u.id);
  return out;
}

async function openSession(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  opts: OpenOptions,
): Promise<TrackerSession> {
  const snap = await readRepositoryState(octokit, owner, repo);
  const requests = { reads: snap.requests, writes: 0 };
  const logins = [...new Set((opts.assignees ?? []).map((l) => l.toLowerCase()))];
  const [users, project] = await Promise.all([
    logins.length > 0 ? (requests.reads++, userIds(octokit, logins)) : new Map<string, string>(),
    opts.project
      ? readProject(octokit, opts.project.nodeId, `${owner}/${repo}`, () => void requests.reads++)
      : null,
  ]);
  if (project) snap.current.project = project;
  const typeIds = new Map(snap.issueTypes.map((t) => [t.name.toLowerCase(), t.id]));
  const milestoneNumbers = new Map(snap.current.milestones.map((m) => [m.title, m.number]));
  const where = (what: string, permission?: string) => ({
    what: `${what} in ${owner}/${repo}`,
    access: 'write' as const,
    ...(permission && { permission }),
  });

  const write = async <T>(what: string, run: () => Promise<T>, permission?: string): Promise<T> => {
    requests.writes++;
    try {
      return await run();
    } catch (err) {
      throw fromGitHubError(err, where(what, permission));
    }
  };
  const gql = <T>(what: string, doc: string, vars: Record<string, unknown>, permission?: string) =>
    write(what, () => octokit.graphql<T>(doc, vars), permission);
  const labelIds = (names: readonly string[]) =>
    names.map((n) => snap.labelIds.get(n.toLowerCase())).filter((id): id is string => id !== undefined);

  return {
    ...projectWrites(gql),
    owner,
    repo,
    state: snap.current,
    issueTypes: snap.issueTypes.map((t) => t.name),
    requests,

    async saveLabel(label: DesiredLabel, create: boolean) {
      const body = { owner, repo, color: label.color, description: label.description };
      if (create) {
        const r = await write(`label "${label.name}"`, () =>
          octokit.rest.issues.createLabel({ ...body, name: label.name }),
        );
        snap.labelIds.set(label.name.toLowerCase(), r.data.node_id);
      } else {
        await write(`label "${label.name}"`, () =>
          octokit.rest.issues.updateLabel({ ...body, name: label.name }),
        );
      }
    },

    async saveMilestone(m: DesiredMilestone, number: number | null) {
      const fields = {
        title: m.title,
        description: m.description,
        state: m.state,
        ...(m.dueOn ? { due_on: `${m.dueOn}T00:00:00Z` } : {}),
      };
      const r =
        number === null
          ? await write(`milestone "${m.title}"`, () =>
              octokit.rest.issues.createMilestone({ owner, repo, ...fields }),
            )
          : await write(`milestone "${m.title}"`, () =>
              octokit.rest.issues.updateMilestone({ owner, repo, milestone_number: number, ...fields }),
            );
      milestoneNumbers.set(m.title, r.data.number);
      snap.milestoneIds.set(m.title, r.data.node_id);
      return r.data.number;
    },

    async createIssue(issue: DesiredIssue, parent: IssueRef | null, milestoneTitle: string | null) {
      const milestoneId = milestoneTitle === null ? undefined : snap.milestoneIds.get(milestoneTitle);
      const typeId = issue.issueType ? typeIds.get(issue.issueType.toLowerCase()) : undefined;
      const input = {
        repositoryId: snap.repositoryId,
        title: issue.title,
        body: issue.body,
        labelIds: labelIds(issue.labels),
        assigneeIds: issue.assignees.flatMap((l) => users.get(l.toLowerCase()) ?? []),
        ...(milestoneId && { milestoneId }),
        ...(typeId && { issueTypeId: typeId }),
        ...(parent && { parentIssueId: parent.nodeId }),
      };
      const r = await gql<{ createIssue: { issue: { id: string; number: number; databaseId: number } } }>(
        `issue for ${issue.itemId}`,
        CREATE,
        { input },
      );
      const made = r.createIssue.issue;
      return { number: made.number, id: made.databaseId, nodeId: made.id };
    },

    async close(ref: IssueRef, reason: 'completed' | 'not_planned') {
      await gql(`issue #${ref.number}`, CLOSE, { id: ref.nodeId, reason: reason.toUpperCase() });
    },

    async updateIssue(
      ref: IssueRef,
      issue: DesiredIssue,
      fields: readonly IssueField[],
      milestoneTitle: string | null,
    ) {
      const set = new Set(fields);
      const patch = {
        ...(set.has('title') && { title: issue.title }),
        ...(set.has('body') && { body: issue.body }),
        ...(set.has('state') && {
          state: issue.state,
          ...(issue.stateReason && { state_reason: issue.stateReason }),
        }),
        ...(set.has('labels') && { labels: issue.labels }),
        ...(set.has('milestone') && {
          milestone: milestoneTitle === null ? null : (milestoneNumbers.get(milestoneTitle) ?? null),
        }),
        ...(set.has('issueType') && issue.issueType && { type: issue.issueType }),
        ...(set.has('assignees') && { assignees: issue.assignees }),
      };
      await write(`issue #${ref.number}`, () =>
        octokit.rest.issues.update({ owner, repo, issue_number: ref.number, ...patch }),
      );
    },

    async setParent(child: IssueRef, parent: IssueRef | null, current: IssueRef | null) {
      if (parent)
        await gql(`sub-issue #${child.number}`, SET_PARENT, { parent: parent.nodeId, child: child.nodeId });
      else if (current)
        await gql(`sub-issue #${child.number}`, DETACH, { parent: current.nodeId, child: child.nodeId });
    },

    async addBlockedBy(issue: IssueRef, blocker: IssueRef) {
      await gql(`dependency of #${issue.number}`, BLOCK, { issue: issue.nodeId, blocker: blocker.nodeId });
    },

    async removeBlockedBy(issue: IssueRef, blocker: IssueRef) {
      await gql(`dependency of #${issue.number}`, UNBLOCK, { issue: issue.nodeId, blocker: blocker.nodeId });
    },

    async findCreated(workspace: string, itemId: string) {
      requests.reads++;
      let recent;
      try {
        recent = await octokit.rest.issues.listForRepo({
          owner,
          repo,
          state: 'all',
          sort: 'created',
          direction: 'desc',
          per_page: RECENT,
        });
      } catch (err) {
        throw fromGitHubError(err, { what: `${owner}/${repo}` });
      }
      const hit = recent.data.find((i) => {
        const ref = parseMarker(i.body);
        return (
          !i.pull_request && ref?.itemId === itemId && ref.workspace.toLowerCase() === workspace.toLowerCase()
        );
      });
      return hit && { number: hit.number, id: hit.id, nodeId: hit.node_id };
    },
  };
}
