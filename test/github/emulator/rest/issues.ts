/**
 * Issues: create, get (a pull request's number too), update, list (state, labels, milestone,
 * assignee, type), assignees and labels.
 */
import { needs } from '../auth.js';
import { invalid, notFound } from '../errors.js';
import type { Issue, IssueChanges } from '../state.js';
import { issueJson, labelJson, pullRequestIssueJson } from './render.js';
import { ok, page, type RestOperations, type RestRequest } from './types.js';

const repoOf = (r: RestRequest) => r.state.repo(r.params.owner!, r.params.repo!);
const issueOf = (r: RestRequest) => r.state.issue(repoOf(r), Number(r.params.issue_number));

export const renderIssue = (r: RestRequest, i: Issue) =>
  issueJson(i, r.urls, r.state.blocking(i).filter((b) => b.state === 'open').length);

/** Labels come as names or `{ name }` objects. */
const labelNames = (labels: unknown[]): string[] =>
  labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: string }).name ?? '')));

/** A milestone is its number, given as an integer or as text. */
function milestoneNumber(m: unknown): number | null | undefined {
  if (m === undefined || m === null) return m;
  const n = Number(m);
  if (!Number.isInteger(n))
    throw invalid('Issue', 'milestone', `${JSON.stringify(m)} is not a valid milestone`, 'invalid');
  return n;
}

function changesOf(r: RestRequest): IssueChanges {
  const b = (r.body ?? {}) as Record<string, any>;
  const assignees: string[] | undefined = b.assignees ?? (b.assignee ? [b.assignee] : undefined);
  return {
    ...(b.title !== undefined && b.title !== null && { title: String(b.title) }),
    ...(b.body !== undefined && { body: b.body }),
    ...(b.labels !== undefined && { labels: labelNames(b.labels) }),
    ...(b.milestone !== undefined && { milestone: milestoneNumber(b.milestone) }),
    ...(assignees !== undefined && { assignees }),
    ...(b.type !== undefined && { type: b.type }),
    ...(b.state !== undefined && { state: b.state }),
    ...(b.state_reason !== undefined && { stateReason: b.state_reason }),
  };
}

function matches(i: Issue, q: Record<string, string>): boolean {
  const state = q.state ?? 'open';
  if (state !== 'all' && i.state !== state) return false;
  if (q.labels) {
    const names = new Set(i.labels.map((l) => l.name.toLowerCase()));
    if (!q.labels.split(',').every((l) => names.has(l.trim().toLowerCase()))) return false;
  }
  if (q.milestone !== undefined) {
    if (
      q.milestone === 'none'
        ? i.milestone !== null
        : q.milestone === '*'
          ? i.milestone === null
          : i.milestone?.number !== Number(q.milestone)
    ) {
      return false;
    }
  }
  if (q.assignee !== undefined) {
    const logins = i.assignees.map((a) => a.login.toLowerCase());
    if (
      q.assignee === 'none'
        ? logins.length > 0
        : q.assignee === '*'
          ? logins.length === 0
          : !logins.includes(q.assignee.toLowerCase())
    ) {
      return false;
    }
  }
  if (q.type !== undefined) {
    if (
      q.type === 'none'
        ? i.type !== null
        : q.type === '*'
          ? i.type === null
          : i.type?.name.toLowerCase() !== q.type.toLowerCase()
    ) {
      return false;
    }
  }
  if (q.creator && i.author.login.toLowerCase() !== q.creator.toLowerCase()) return false;
  return !q.since || i.updatedAt >= q.since;
}

const write = needs('issues', 'write');
const read = needs('issues', 'read');

export const issueOperations: RestOperations = {
  'issues/create': {
    needs: write,
    handle(r) {
      const repo = repoOf(r);
      const { title, ...rest } = changesOf(r);
      const issue = r.state.createIssue(repo, r.token.user, { title: title ?? '', ...rest });
      const body = renderIssue(r, issue);
      return ok(body, 201, { location: body.url });
    },
  },
  'issues/get': {
    needs: read,
    handle(r) {
      // A pull request's number is answered as GitHub does: its issue side, with a `pull_request`
      // object. The other issue operations, the lists and search leave pull requests out (404, absent).
      const repo = repoOf(r);
      const number = Number(r.params.issue_number);
      const pull = repo.pullRequests.find((p) => p.number === number);
      return ok(pull ? pullRequestIssueJson(pull, r.urls) : renderIssue(r, r.state.issue(repo, number)));
    },
  },
  'issues/update': {
    needs: write,
    handle(r) {
      const issue = issueOf(r);
      return ok(renderIssue(r, r.state.updateIssue(issue, changesOf(r))));
    },
  },
  'issues/list-for-repo': {
    needs: read,
    handle(r) {
      const direction = r.query.direction ?? 'desc';
      const key = r.query.sort === 'updated' ? 'updatedAt' : 'createdAt';
      const found = repoOf(r)
        .issues.filter((i) => matches(i, r.query))
        .sort((a, b) => (a[key] === b[key] ? a.number - b.number : a[key] < b[key] ? -1 : 1));
      if (direction === 'desc') found.reverse();
      const p = page(found, r);
      return ok(
        p.items.map((i) => renderIssue(r, i)),
        200,
        p.headers,
      );
    },
  },
  'issues/add-assignees': {
    needs: write,
    handle(r) {
      const issue = issueOf(r);
      const logins = ((r.body?.assignees ?? []) as unknown[]).map((a) =>
        typeof a === 'string' ? a : String((a as { login: string }).login),
      );
      const assignees = [...issue.assignees.map((a) => a.login), ...logins];
      return ok(renderIssue(r, r.state.updateIssue(issue, { assignees })), 201);
    },
  },
  'issues/add-labels': {
    needs: write,
    handle(r) {
      const issue = issueOf(r);
      const given: unknown[] = Array.isArray(r.body) ? r.body : (r.body?.labels ?? []);
      const labels = [...issue.labels.map((l) => l.name), ...labelNames(given)];
      const unique = [...new Map(labels.map((l) => [l.toLowerCase(), l])).values()];
      r.state.updateIssue(issue, { labels: unique });
      return ok(issue.labels.map((l) => labelJson(l, r.urls)));
    },
  },
  'issues/set-labels': {
    needs: write,
    handle(r) {
      const issue = issueOf(r);
      const given: unknown[] = Array.isArray(r.body) ? r.body : (r.body?.labels ?? []);
      r.state.updateIssue(issue, { labels: labelNames(given) });
      return ok(issue.labels.map((l) => labelJson(l, r.urls)));
    },
  },
  'issues/remove-label': {
    needs: write,
    handle(r) {
      const issue = issueOf(r);
      const name = r.params.name!.toLowerCase();
      if (!issue.labels.some((l) => l.name.toLowerCase() === name)) throw notFound('Label does not exist');
      const labels = issue.labels.filter((l) => l.name.toLowerCase() !== name).map((l) => l.name);
      r.state.updateIssue(issue, { labels });
      return ok(issue.labels.map((l) => labelJson(l, r.urls)));
    },
  },
  'issues/remove-assignees': {
    needs: write,
    handle(r) {
      const issue = issueOf(r);
      const gone = new Set(((r.body?.assignees ?? []) as string[]).map((a) => a.toLowerCase()));
      const assignees = issue.assignees.filter((a) => !gone.has(a.login.toLowerCase())).map((a) => a.login);
      return ok(renderIssue(r, r.state.updateIssue(issue, { assignees })));
    },
  },
};
