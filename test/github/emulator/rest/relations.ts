/** Sub-issues (by the child's REST `id`) and blocked-by dependencies. */
import { needs } from '../auth.js';
import {
  addBlockedBy,
  addSubIssue,
  byRestId,
  removeBlockedBy,
  removeSubIssue,
  reprioritizeSubIssue,
} from '../relations.js';
import type { Issue } from '../state.js';
import { renderIssue } from './issues.js';
import { ok, page, type RestOperations, type RestRequest } from './types.js';

const issueOf = (r: RestRequest) =>
  r.state.issue(r.state.repo(r.params.owner!, r.params.repo!), Number(r.params.issue_number));

const list = (r: RestRequest, issues: Issue[]) => {
  const p = page(issues, r);
  return ok(
    p.items.map((i) => renderIssue(r, i)),
    200,
    p.headers,
  );
};

const write = needs('issues', 'write');
const read = needs('issues', 'read');

export const relationOperations: RestOperations = {
  'issues/add-sub-issue': {
    needs: write,
    handle(r) {
      const child = byRestId(r.state, r.body.sub_issue_id);
      const parent = addSubIssue(issueOf(r), child, r.body.replace_parent === true);
      r.state.relationChanged('sub_issue_added', parent, child);
      return ok(renderIssue(r, parent), 201);
    },
  },
  'issues/list-sub-issues': { needs: read, handle: (r) => list(r, issueOf(r).subIssues) },
  'issues/remove-sub-issue': {
    needs: write,
    handle(r) {
      const child = byRestId(r.state, r.body.sub_issue_id);
      const parent = removeSubIssue(issueOf(r), child);
      r.state.relationChanged('sub_issue_removed', parent, child);
      return ok(renderIssue(r, parent));
    },
  },
  'issues/reprioritize-sub-issue': {
    needs: write,
    handle(r) {
      const { sub_issue_id: child, after_id: after, before_id: before } = r.body;
      const parent = reprioritizeSubIssue(issueOf(r), byRestId(r.state, child), {
        ...(after !== undefined && { after: byRestId(r.state, after) }),
        ...(before !== undefined && { before: byRestId(r.state, before) }),
      });
      return ok(renderIssue(r, parent));
    },
  },
  'issues/add-blocked-by-dependency': {
    needs: write,
    handle(r) {
      const blocking = byRestId(r.state, r.body.issue_id);
      const blocker = addBlockedBy(r.state, issueOf(r), blocking);
      r.state.relationChanged('blocked_by_added', issueOf(r), blocking);
      return ok(renderIssue(r, blocker), 201);
    },
  },
  'issues/list-dependencies-blocked-by': { needs: read, handle: (r) => list(r, issueOf(r).blockedBy) },
  'issues/list-dependencies-blocking': { needs: read, handle: (r) => list(r, r.state.blocking(issueOf(r))) },
  'issues/remove-dependency-blocked-by': {
    needs: write,
    handle(r) {
      const blocking = byRestId(r.state, Number(r.params.issue_id));
      const out = removeBlockedBy(issueOf(r), blocking);
      r.state.relationChanged('blocked_by_removed', issueOf(r), blocking);
      return ok(renderIssue(r, out));
    },
  },
};
