/**
 * A verified GitHub webhook delivery applied to the workspace its repository is: `issues`,
 * `sub_issues`, `issue_dependencies` and `milestone` events on issues that have a mapping row (the
 * rest is ignored and reported). The delivery id is stored in the transaction of the change it
 * makes, so a replayed delivery changes nothing and a crash before the commit loses nothing. A
 * change the rules refuse (closing an item whose children are open), or one this server does not
 * make (deleting a milestone), is not applied: it is recorded as drift with the refusal, so the
 * difference stays visible. The echo of this server's own write is no drift, even when it arrives
 * after a newer change here (github-drift.ts).
 */
import * as z from 'zod';
import { isDomainError } from '../errors.js';
import { descriptionOf } from '../github-sync/marker.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import {
  applyBlockedBy,
  applyIssueFacts,
  applyParent,
  recordDrift,
  type DriftChange,
  type DriftContext,
  type IssueFacts,
  type LabelsConfig,
} from './github-drift.js';
import { applyRepoEvent, milestoneOf, type NotApplied } from './github-webhook-milestone.js';
import { runWrite, type WriteScope } from './write-scope.js';

export const WEBHOOK_EVENTS = ['issues', 'sub_issues', 'issue_dependencies', 'label', 'milestone'] as const;

export interface WebhookDeliveryInput {
  /** `X-GitHub-Delivery`. */
  deliveryId: string;
  /** `X-GitHub-Event`. */
  event: string;
  /** The parsed JSON body (already verified against the signature). */
  payload: unknown;
}

export type WebhookOutcome = 'applied' | 'unchanged' | 'ignored' | 'duplicate' | 'refused';

export interface WebhookResult {
  outcome: WebhookOutcome;
  workspace: string | null;
  changes: DriftChange[];
  /** Why nothing was done (ignored), or the rule that refused the change (refused). */
  detail: string | null;
}

const issue = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  state_reason: z.string().nullish(),
  labels: z.array(z.looseObject({ name: z.string() })).optional(),
  assignees: z.array(z.looseObject({ login: z.string() })).nullish(),
  milestone: z.looseObject({ title: z.string() }).nullish(),
  repository_url: z.string().optional(),
});
type GhIssue = z.infer<typeof issue>;
const repo = z.looseObject({ full_name: z.string() });
const envelope = z.looseObject({
  action: z.string(),
  repository: repo.optional(),
  sender: z.looseObject({ login: z.string() }).optional(),
});
const issuesEvent = z.looseObject({
  issue,
  changes: z.record(z.string(), z.unknown()).optional(),
});
const subIssuesEvent = z.looseObject({
  parent_issue: issue,
  sub_issue: issue,
  parent_issue_repo: repo.optional(),
});
const dependencyEvent = z.looseObject({ blocked_issue: issue, blocking_issue: issue });

/** The workspace a delivery is about (`owner/repo`), or null when it names no repository. */
function workspaceOf(payload: z.infer<typeof envelope> & Record<string, unknown>): string | null {
  const parentRepo = repo.safeParse(payload.parent_issue_repo);
  const name = payload.repository?.full_name ?? (parentRepo.success ? parentRepo.data.full_name : null);
  if (!name) return null;
  try {
    return assertWorkspace(name);
  } catch {
    return null;
  }
}

/** Whether the issue lives in the workspace's repository (dependencies may cross repositories). */
const inRepo = (i: GhIssue, workspace: string): boolean =>
  !i.repository_url || i.repository_url.toLowerCase().endsWith(`/repos/${workspace.toLowerCase()}`);

function issueFacts(action: string, ev: z.infer<typeof issuesEvent>): IssueFacts | null {
  const i = ev.issue;
  switch (action) {
    case 'closed':
    case 'reopened':
      return { state: { state: i.state, reason: i.state_reason ?? null } };
    case 'edited': {
      const c = ev.changes ?? { title: true, body: true };
      return {
        ...('title' in c && { title: i.title }),
        ...('body' in c && { description: descriptionOf(i.body) }),
      };
    }
    case 'labeled':
    case 'unlabeled':
      return { labels: (i.labels ?? []).map((l) => l.name) };
    case 'assigned':
    case 'unassigned':
      return { assignees: (i.assignees ?? []).map((a) => a.login) };
    case 'milestoned':
    case 'demilestoned':
      return { milestoneTitle: i.milestone?.title ?? null };
    default:
      return null;
  }
}

type Plan =
  | { ignore: string }
  | {
      apply: (
        s: WriteScope,
        ctx: DriftContext,
        byNumber: Map<number, string>,
      ) => Promise<DriftChange[] | string | NotApplied>;
    };

/** What the delivery asks for, before any mapping is read: a plan, or why it is ignored. */
function planFor(event: string, action: string, payload: unknown, config: LabelsConfig): Plan {
  if (event === 'issues') {
    const ev = issuesEvent.safeParse(payload);
    if (!ev.success) return { ignore: 'malformed issues payload' };
    const facts = issueFacts(action, ev.data);
    if (!facts) return { ignore: `issues.${action} is not applied` };
    return {
      apply: async (s, ctx, byNumber) => {
        const itemId = byNumber.get(ev.data.issue.number);
        if (!itemId) return `issue #${ev.data.issue.number} has no item`;
        return applyIssueFacts(s, ctx, itemId, facts, config);
      },
    };
  }
  if (event === 'sub_issues') {
    const ev = subIssuesEvent.safeParse(payload);
    if (!ev.success) return { ignore: 'malformed sub_issues payload' };
    const added = action === 'parent_issue_added' || action === 'sub_issue_added';
    if (!added && action !== 'parent_issue_removed' && action !== 'sub_issue_removed')
      return { ignore: `sub_issues.${action} is not applied` };
    return {
      apply: async (s, ctx, byNumber) => {
        const { sub_issue: child, parent_issue: parent } = ev.data;
        const childId = inRepo(child, s.workspace) ? byNumber.get(child.number) : undefined;
        const parentId = inRepo(parent, s.workspace) ? byNumber.get(parent.number) : undefined;
        if (!childId) return `sub-issue #${child.number} has no item`;
        if (!parentId) return `parent issue #${parent.number} has no item`;
        if (added) return applyParent(s, ctx, childId, parentId);
        // Removed from a parent it no longer has here (moved since): nothing to undo.
        const local = await s.tx.getItem(s.workspace, childId);
        return local?.parentId === parentId ? applyParent(s, ctx, childId, null) : [];
      },
    };
  }
  if (event === 'issue_dependencies') {
    const ev = dependencyEvent.safeParse(payload);
    if (!ev.success) return { ignore: 'malformed issue_dependencies payload' };
    const present = action === 'blocked_by_added' || action === 'blocking_added';
    if (!present && action !== 'blocked_by_removed' && action !== 'blocking_removed')
      return { ignore: `issue_dependencies.${action} is not applied` };
    return {
      apply: async (s, ctx, byNumber) => {
        const { blocked_issue: blocked, blocking_issue: blocker } = ev.data;
        const blockedId = inRepo(blocked, s.workspace) ? byNumber.get(blocked.number) : undefined;
        const blockerId = inRepo(blocker, s.workspace) ? byNumber.get(blocker.number) : undefined;
        if (!blockedId || !blockerId)
          return `dependency #${blocked.number} blocked by #${blocker.number} is not between two items`;
        return applyBlockedBy(s, ctx, { blockerId, blockedId }, present);
      },
    };
  }
  if (event === 'milestone' || event === 'label') {
    return { apply: (s, ctx) => applyRepoEvent(s, ctx, event, action, payload, config) };
  }
  return { ignore: `${event} events are not applied` };
}

export async function applyWebhookDelivery(
  deps: CoreDeps,
  input: WebhookDeliveryInput,
  /** The workspace's label configuration (priority, agent and type labels), read once it is known. */
  labelsOf: (workspace: string) => Promise<LabelsConfig>,
): Promise<WebhookResult> {
  const env = envelope.safeParse(input.payload);
  const result = (outcome: WebhookOutcome, workspace: string | null, detail: string | null = null) => ({
    outcome,
    workspace,
    changes: [] as DriftChange[],
    detail,
  });
  if (!env.success) return result('ignored', null, 'the payload has no action');
  const workspace = workspaceOf(env.data);
  if (!workspace) return result('ignored', null, 'the payload names no repository');
  const { action } = env.data;
  const login = env.data.sender?.login ?? 'ghost';
  const caller: Caller = {
    actor: { type: 'user', id: `github:${login}`, name: login },
    client: null,
    tool: null,
    correlationId: input.deliveryId,
  };
  const ctx: DriftContext = {
    source: 'webhook',
    deliveryId: input.deliveryId,
    actor: login,
    what: `${input.event}.${action}`,
  };
  const plan = planFor(input.event, action, input.payload, await labelsOf(workspace));
  const record = (s: WriteScope, outcome: WebhookOutcome) =>
    s.tx.recordDelivery({
      deliveryId: input.deliveryId,
      workspace,
      event: input.event,
      action,
      outcome,
      receivedAt: s.now,
    });
  try {
    return await runWrite(deps, caller, workspace, async (s) => {
      // Read under the workspace's write lock: a concurrent replay waits, then finds it.
      if (await s.tx.webhookDelivery(input.deliveryId)) return result('duplicate', workspace);
      if ('ignore' in plan) {
        await record(s, 'ignored');
        return result('ignored', workspace, plan.ignore);
      }
      const byNumber = new Map(
        [...(await s.tx.issueMappings(workspace)).values()].map((m) => [m.number, m.itemId]),
      );
      const changes = await plan.apply(s, ctx, byNumber);
      if (typeof changes === 'string') {
        await record(s, 'ignored');
        return result('ignored', workspace, changes);
      }
      if (!Array.isArray(changes)) {
        await record(s, 'refused');
        return result('refused', workspace, changes.refused);
      }
      const outcome = changes.length > 0 ? 'applied' : 'unchanged';
      await record(s, outcome);
      return { ...result(outcome, workspace), changes };
    });
  } catch (err) {
    if (!isDomainError(err)) throw err;
    // Everything the change wrote rolled back; what stays is the record that GitHub differs.
    return runWrite(deps, caller, workspace, async (s) => {
      if (await s.tx.webhookDelivery(input.deliveryId)) return result('duplicate', workspace);
      await recordDrift(
        s,
        ctx,
        { ...(await refusedEntity(s, input)), field: ctx.what, old: null, new: action },
        `not applied: ${err.code} ${err.message}`,
      );
      await record(s, 'refused');
      return result('refused', workspace, `${err.code}: ${err.message}`);
    });
  }
}

/** The issue a refused delivery was about. */
function issueNumberOf(payload: unknown): number | null {
  const p = payload as Record<string, { number?: unknown } | undefined>;
  const n = (p.issue ?? p.sub_issue ?? p.blocked_issue)?.number;
  return typeof n === 'number' ? n : null;
}

/** What a refused delivery is recorded against: its milestone, its issue's item, or the issue. */
async function refusedEntity(
  s: WriteScope,
  input: WebhookDeliveryInput,
): Promise<Pick<DriftChange, 'entityType' | 'entityId'>> {
  if (input.event === 'milestone') {
    const m = await milestoneOf(s, input.payload);
    if (m) return { entityType: 'milestone', entityId: m.id };
  }
  const n = issueNumberOf(input.payload);
  const mapped = [...(await s.tx.issueMappings(s.workspace)).values()].find((m) => m.number === n);
  return { entityType: 'item', entityId: mapped?.itemId ?? `#${n}` };
}
