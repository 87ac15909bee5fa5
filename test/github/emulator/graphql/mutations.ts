/** The mutations the sync uses, over the same state as the REST surface. */
import { authorize, needs, type Needed } from '../auth.js';
import { EmulatorError } from '../errors.js';
import {
  addBlockedBy,
  addSubIssue,
  removeBlockedBy,
  removeSubIssue,
  reprioritizeSubIssue,
} from '../relations.js';
import type { IssueChanges, Token } from '../state.js';
import { gqlError, issueTypeView, issueView, labelView, resolveId, type Ctx } from './views.js';

export interface MutationCtx extends Ctx {
  token: Token;
}

type Input = Record<string, any>;
export type Mutation = (args: { input: Input }, c: MutationCtx) => unknown;

/** Checks the permission, and turns the state's refusals into GitHub's GraphQL error types. */
export function guarded(need: Needed, fn: (input: Input, c: MutationCtx) => unknown): Mutation {
  return ({ input }, c) => {
    try {
      authorize(c.token, need);
      return { clientMutationId: input.clientMutationId ?? null, ...(fn(input, c) as object) };
    } catch (err) {
      if (!(err instanceof EmulatorError)) throw err;
      const detail = err.errors
        ?.map((e) => e.message)
        .filter(Boolean)
        .join(', ');
      const type = err.kind === 'UNPROCESSABLE' ? 'UNPROCESSABLE' : err.kind;
      throw gqlError(type, detail || err.message);
    }
  };
}

const write = needs('issues', 'write');

function changes(input: Input, c: MutationCtx): IssueChanges {
  const names = (ids: string[] | undefined, kind: 'Label') => ids?.map((id) => resolveId(c, id, kind).name);
  return {
    ...(input.title != null && { title: input.title }),
    ...(input.body !== undefined && { body: input.body }),
    ...(input.labelIds != null && { labels: names(input.labelIds, 'Label') }),
    ...(input.milestoneId !== undefined && {
      milestone: input.milestoneId === null ? null : resolveId(c, input.milestoneId, 'Milestone').number,
    }),
    ...(input.assigneeIds != null && {
      assignees: (input.assigneeIds as string[]).map((id) => resolveId(c, id, 'User').login),
    }),
    ...(input.issueTypeId !== undefined && {
      type: input.issueTypeId === null ? null : resolveId(c, input.issueTypeId, 'IssueType').name,
    }),
    ...(input.state != null && { state: String(input.state).toLowerCase() as 'open' | 'closed' }),
  };
}

const reason = (r: string | null | undefined) =>
  (r ? r.toLowerCase() : 'completed') as 'completed' | 'not_planned' | 'duplicate';

export const mutations: Record<string, Mutation> = {
  createIssue: guarded(write, (input, c) => {
    const repo = resolveId(c, input.repositoryId, 'Repository');
    const { title, ...rest } = changes(input, c);
    const issue = c.state.createIssue(repo, c.token.user, { title: title ?? '', ...rest });
    if (input.parentIssueId) addSubIssue(resolveId(c, input.parentIssueId, 'Issue'), issue);
    return { issue: issueView(issue, c) };
  }),
  updateIssue: guarded(write, (input, c) => {
    const issue = c.state.updateIssue(resolveId(c, input.id, 'Issue'), changes(input, c));
    return { issue: issueView(issue, c) };
  }),
  closeIssue: guarded(write, (input, c) => {
    const issue = resolveId(c, input.issueId, 'Issue');
    c.state.updateIssue(issue, { state: 'closed', stateReason: reason(input.stateReason) });
    return { issue: issueView(issue, c) };
  }),
  reopenIssue: guarded(write, (input, c) => {
    const issue = c.state.updateIssue(resolveId(c, input.issueId, 'Issue'), { state: 'open' });
    return { issue: issueView(issue, c) };
  }),
  addSubIssue: guarded(write, (input, c) => {
    const parent = resolveId(c, input.issueId, 'Issue');
    const child = input.subIssueId
      ? resolveId(c, input.subIssueId, 'Issue')
      : c.state.allIssues().find((i) => issueView(i, c).url === input.subIssueUrl);
    if (!child)
      throw gqlError('NOT_FOUND', `Could not resolve to an Issue with the URL of '${input.subIssueUrl}'`);
    addSubIssue(parent, child, input.replaceParent === true);
    c.state.relationChanged('sub_issue_added', parent, child);
    return { issue: issueView(parent, c), subIssue: issueView(child, c) };
  }),
  removeSubIssue: guarded(write, (input, c) => {
    const parent = resolveId(c, input.issueId, 'Issue');
    const child = resolveId(c, input.subIssueId, 'Issue');
    removeSubIssue(parent, child);
    c.state.relationChanged('sub_issue_removed', parent, child);
    return { issue: issueView(parent, c), subIssue: issueView(child, c) };
  }),
  reprioritizeSubIssue: guarded(write, (input, c) => {
    const parent = resolveId(c, input.issueId, 'Issue');
    reprioritizeSubIssue(parent, resolveId(c, input.subIssueId, 'Issue'), {
      ...(input.afterId && { after: resolveId(c, input.afterId, 'Issue') }),
      ...(input.beforeId && { before: resolveId(c, input.beforeId, 'Issue') }),
    });
    return { issue: issueView(parent, c) };
  }),
  addBlockedBy: guarded(write, (input, c) => {
    const issue = resolveId(c, input.issueId, 'Issue');
    const blocker = resolveId(c, input.blockingIssueId, 'Issue');
    addBlockedBy(c.state, issue, blocker);
    c.state.relationChanged('blocked_by_added', issue, blocker);
    return { issue: issueView(issue, c), blockingIssue: issueView(blocker, c) };
  }),
  removeBlockedBy: guarded(write, (input, c) => {
    const issue = resolveId(c, input.issueId, 'Issue');
    const blocker = resolveId(c, input.blockingIssueId, 'Issue');
    removeBlockedBy(issue, blocker);
    c.state.relationChanged('blocked_by_removed', issue, blocker);
    return { issue: issueView(issue, c), blockingIssue: issueView(blocker, c) };
  }),
  addLabelsToLabelable: guarded(write, (input, c) => {
    const issue = resolveId(c, input.labelableId, 'Issue');
    const added = (input.labelIds as string[]).map((id) => resolveId(c, id, 'Label'));
    const labels = [...new Set([...issue.labels, ...added])].map((l) => l.name);
    c.state.updateIssue(issue, { labels });
    return { labelable: issueView(issue, c) };
  }),
  removeLabelsFromLabelable: guarded(write, (input, c) => {
    const issue = resolveId(c, input.labelableId, 'Issue');
    const gone = new Set(input.labelIds as string[]);
    c.state.updateIssue(issue, {
      labels: issue.labels.filter((l) => !gone.has(l.nodeId)).map((l) => l.name),
    });
    return { labelable: issueView(issue, c) };
  }),
  addAssigneesToAssignable: guarded(write, (input, c) => {
    const issue = resolveId(c, input.assignableId, 'Issue');
    const logins = (input.assigneeIds as string[]).map((id) => resolveId(c, id, 'User').login);
    c.state.updateIssue(issue, { assignees: [...issue.assignees.map((a) => a.login), ...logins] });
    return { assignable: issueView(issue, c) };
  }),
  createLabel: guarded(write, (input, c) => {
    const repo = resolveId(c, input.repositoryId, 'Repository');
    return {
      label: labelView(c.state.createLabel(repo, input.name, input.color, input.description ?? null), c),
    };
  }),
  createIssueType: guarded(needs('issue_types', 'write'), (input, c) => {
    const org = resolveId(c, input.ownerId, 'Organization');
    const t = c.state.createIssueType(org.login, {
      name: input.name,
      description: input.description ?? null,
      color: input.color ? String(input.color).toLowerCase() : null,
    });
    t.isEnabled = input.isEnabled !== false;
    return { issueType: issueTypeView(t) };
  }),
  updateIssueIssueType: guarded(write, (input, c) => {
    const issue = resolveId(c, input.issueId, 'Issue');
    const type = input.issueTypeId ? resolveId(c, input.issueTypeId, 'IssueType').name : null;
    return { issue: issueView(c.state.updateIssue(issue, { type }), c) };
  }),
};
