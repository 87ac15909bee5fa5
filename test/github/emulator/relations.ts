/**
 * Sub-issues and blocked-by dependencies with GitHub's limits: 100 sub-issues per parent, 8 levels of
 * nesting, parent and child under the same owner, 50 issues per dependency relationship type.
 */
import { EmulatorError, invalid, notFound } from './errors.js';
import type { EmulatorState, Issue } from './state.js';

export const MAX_SUB_ISSUES = 100;
export const MAX_DEPTH = 8;
export const MAX_DEPENDENCIES = 50;

/** Levels from the root down to `issue`, the root being level 1. */
const level = (issue: Issue): number => (issue.parent ? level(issue.parent) + 1 : 1);
/** Levels in the tree under `issue`, itself included. */
const height = (issue: Issue): number => 1 + Math.max(0, ...issue.subIssues.map(height));

const isAncestor = (candidate: Issue, of: Issue): boolean =>
  of.parent === candidate || (of.parent !== null && isAncestor(candidate, of.parent));

export function addSubIssue(parent: Issue, child: Issue, replaceParent = false): Issue {
  if (child === parent || isAncestor(child, parent)) {
    throw invalid('Issue', 'sub_issue_id', 'An issue cannot be a sub-issue of itself or of its sub-issues');
  }
  if (child.repo.owner !== parent.repo.owner) {
    throw invalid(
      'Issue',
      'sub_issue_id',
      'Sub-issue must belong to the same repository owner as the parent',
    );
  }
  if (parent.subIssues.includes(child)) {
    throw invalid('Issue', 'sub_issue_id', 'Issue may not contain duplicate sub-issues');
  }
  if (child.parent && !replaceParent) {
    throw invalid('Issue', 'sub_issue_id', 'Sub issue may only have one parent');
  }
  if (parent.subIssues.length >= MAX_SUB_ISSUES) {
    throw invalid('Issue', 'sub_issue_id', `Parent cannot have more than ${MAX_SUB_ISSUES} sub-issues`);
  }
  if (level(parent) + height(child) > MAX_DEPTH) {
    throw invalid('Issue', 'sub_issue_id', `Sub-issues cannot be nested more than ${MAX_DEPTH} levels deep`);
  }
  if (child.parent) detach(child.parent, child);
  parent.subIssues.push(child);
  child.parent = parent;
  return parent;
}

function detach(parent: Issue, child: Issue): void {
  parent.subIssues = parent.subIssues.filter((i) => i !== child);
  child.parent = null;
}

export function removeSubIssue(parent: Issue, child: Issue): Issue {
  if (child.parent !== parent) throw notFound();
  detach(parent, child);
  return parent;
}

export function reprioritizeSubIssue(
  parent: Issue,
  child: Issue,
  position: { after?: Issue; before?: Issue },
): Issue {
  const anchor = position.after ?? position.before;
  if (!anchor || (position.after && position.before)) {
    throw invalid('Issue', 'after_id', 'Either after_id or before_id must be specified, not both');
  }
  if (child.parent !== parent || anchor.parent !== parent || anchor === child) throw notFound();
  const rest = parent.subIssues.filter((i) => i !== child);
  const at = rest.indexOf(anchor) + (position.after ? 1 : 0);
  rest.splice(at, 0, child);
  parent.subIssues = rest;
  return parent;
}

export function addBlockedBy(state: EmulatorState, issue: Issue, blocker: Issue): Issue {
  if (blocker === issue) throw invalid('IssueDependency', 'issue_id', 'An issue cannot block itself');
  if (issue.blockedBy.includes(blocker)) {
    throw invalid('IssueDependency', 'issue_id', 'This dependency already exists', 'already_exists');
  }
  if (issue.blockedBy.length >= MAX_DEPENDENCIES) {
    throw invalid(
      'IssueDependency',
      'issue_id',
      `An issue can be blocked by at most ${MAX_DEPENDENCIES} issues`,
    );
  }
  if (state.blocking(blocker).length >= MAX_DEPENDENCIES) {
    throw invalid('IssueDependency', 'issue_id', `An issue can block at most ${MAX_DEPENDENCIES} issues`);
  }
  issue.blockedBy.push(blocker);
  return blocker;
}

export function removeBlockedBy(issue: Issue, blocker: Issue): Issue {
  if (!issue.blockedBy.includes(blocker)) throw notFound();
  issue.blockedBy = issue.blockedBy.filter((i) => i !== blocker);
  return blocker;
}

/** The issue a REST `id` names, or GitHub's 404. */
export function byRestId(state: EmulatorState, id: number): Issue {
  const issue = state.issueById(id);
  if (!issue) throw new EmulatorError('NOT_FOUND', 'Not Found');
  return issue;
}
