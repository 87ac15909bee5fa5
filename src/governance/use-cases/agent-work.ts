/**
 * What an agent service does with the work it was given: reports progress (percent, a note, a
 * revised estimate), completes it (the item moves to review once the policy's quality gates
 * pass), and what happens when it falls behind: items past their due date by more than the
 * service's escalation threshold are listed, and can be escalated to another service or flagged
 * to the human fallback. Every change is audited.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { sectionGaps } from '../compliance/sections.js';
import { requiredSections } from '../compliance/policy.js';
import { DomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import { OPEN_STATUSES, isOpen, type WorkItem } from '../model/work-item.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { IssueTracker, PullRequestState } from '../ports/issue-tracker.js';
import type { StoreReader } from '../ports/store.js';
import { DAY_MS } from '../analytics/delivery.js';
import { assertKnownAgent } from './agents.js';
import {
  decide,
  listAgentServices,
  noneAvailable,
  unavailable,
  wipFull,
  writeHolder,
  type AgentService,
  type Decision,
} from './assignment.js';
import { requireItem } from './lookups.js';
import { allItems } from './read-items.js';
import { requireWorkspace } from './workspaces.js';
import { rollUp, type RollupChange } from './rollup.js';
import { transitionItem } from './set-item-status.js';
import { updateItemAt } from './store-writes.js';
import { assertItemVersion } from './version-conflict.js';
import { runWrite, type WriteScope } from './write-scope.js';

/** The gates complete_item can run, as `compliance.completionGates` names them. */
export const COMPLETION_GATES = ['acceptanceCriteria', 'requiredSections', 'linkedPullRequest'] as const;
export type CompletionGate = (typeof COMPLETION_GATES)[number];

export interface GateResult {
  gate: CompletionGate;
  /** Passed, failed, or not applicable (a pull request gate on an item not synced to GitHub). */
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
}

type Config = Pick<GovernanceConfig, 'agents' | 'templates' | 'compliance'> & {
  rules?: { fallbackAssignee?: string | undefined };
};

/** The item is `agent`'s, when one is named. */
function assertAssigned(item: WorkItem, agent: string | undefined): void {
  if (agent === undefined || item.agent === agent) return;
  throw new DomainError(
    'AGENT.NOT_ASSIGNED',
    `${item.id} is assigned to ${item.agent ?? 'no agent service'}, not ${agent}`,
    item.agent
      ? `Only ${item.agent} reports on ${item.id}; reassign it with assign_item first if ${agent} took it over.`
      : `Assign it first: assign_item with agent "${agent}".`,
    { agent: item.agent },
  );
}

function assertOpen(item: WorkItem, what: string): void {
  if (isOpen(item.status)) return;
  throw new DomainError(
    'STATUS.INVALID_TRANSITION',
    `${item.id} is ${item.status}: no ${what} on a closed item`,
    'Reopen it first with set_item_status (done -> in_progress, cancelled -> planning).',
    { status: item.status },
  );
}

export interface ProgressCommand {
  workspace: string;
  id: string;
  /** 0..100. */
  percent: number;
  note?: string;
  /** Revised estimate, in days. */
  estimateDays?: number;
  /** The reporting service; when given it must be the one assigned. */
  agent?: string;
  expectedVersion?: number;
}

export interface ProgressResult {
  item: WorkItem;
  changed: boolean;
  rolledUp: RollupChange[];
}

/**
 * Records a service's progress on a leaf item (features and epics roll up from their children):
 * the percent, a revised estimate and the note (the audit reason). A planning item with progress
 * starts (moves to in_progress); the ancestors' progress is rolled up.
 */
export async function reportProgress(
  deps: CoreDeps,
  caller: Caller,
  cmd: ProgressCommand,
): Promise<ProgressResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    let item = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, item, cmd.expectedVersion);
    assertAssigned(item, cmd.agent);
    assertOpen(item, 'progress');
    const stats = await s.tx.childStats(s.workspace, item.id);
    if (stats.total > 0) {
      throw new DomainError(
        'PROGRESS.ROLLED_UP',
        `${item.id} has ${stats.total} child item(s): its progress is rolled up from them`,
        `Report progress on its ${item.type === 'epic' ? 'features or tasks' : 'tasks'} instead.`,
        { children: stats.total },
      );
    }
    const note = cmd.note?.trim() || null;
    const estimate = cmd.estimateDays ?? item.estimateDays;
    if (cmd.percent === item.progress && estimate === item.estimateDays && note === null) {
      return { item, changed: false, rolledUp: [] };
    }
    const rolledUp: RollupChange[] = [];
    if (item.status === 'planning' && cmd.percent > 0) {
      const started = await transitionItem(s, item, 'in_progress', null);
      item = started.item;
      rolledUp.push(...started.rolledUp);
    }
    const next: WorkItem = {
      ...item,
      progress: cmd.percent,
      estimateDays: estimate,
      updatedAt: s.now,
      version: item.version + 1,
    };
    await updateItemAt(s.tx, next, item.version);
    const diff: Record<string, { old: unknown; new: unknown }> = {
      progress: { old: item.progress, new: next.progress },
    };
    if (estimate !== item.estimateDays) diff.estimateDays = { old: item.estimateDays, new: estimate };
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.progress_reported',
      diff,
      reason: note,
    });
    await s.emit('issue.updated', { id: item.id, changed: Object.keys(diff) });
    const up = await rollUp(s, item.parentId, `${item.id} progress ${item.progress} -> ${cmd.percent}`);
    await s.emit('hierarchy.updated', { ids: [item.id, ...up.map((r) => r.id)] });
    return { item: next, changed: true, rolledUp: mergeRollups(rolledUp, up) };
  });
}

/** The later change of each ancestor wins. */
function mergeRollups(a: readonly RollupChange[], b: readonly RollupChange[]): RollupChange[] {
  const byId = new Map<string, RollupChange>();
  for (const r of [...a, ...b]) byId.set(r.id, r);
  return [...byId.values()];
}

const PR_URL = /https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/pull\/\d+/i;
const PR_REF = /(?:\bPR|\bpull request)\s*#\d+|[\w.-]+\/[\w.-]+#\d+/i;

/** A pull request the item's text links (a URL, `PR #12`, `owner/repo#12`), or null. */
export function linkedPullRequest(text: string): string | null {
  return PR_URL.exec(text)?.[0] ?? PR_REF.exec(text)?.[0] ?? null;
}

/** A pull request reference as repository and number; the forms without one (`PR #12`, `#12`, `12`) are in `repository`. */
export function parsePullRequestRef(
  ref: string,
  repository: string | null,
): { repository: string; number: number } | null {
  const t = ref.trim();
  const full =
    /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/pull\/(\d+)/i.exec(t) ??
    /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(t);
  if (full) return { repository: full[1]!, number: Number(full[2]) };
  const bare = /^(?:(?:PR|pull request)\s*)?#?(\d+)$/i.exec(t);
  return bare && repository ? { repository, number: Number(bare[1]) } : null;
}

/** What GitHub said of the pull request a completion names, asked before the write. */
export interface PullRequestCheck {
  /** The reference checked (as the gate reads it). */
  ref: string;
  repository: string;
  number: number;
  /** Undefined: GitHub has no pull request with that number there. */
  found?: PullRequestState | undefined;
  /** Why GitHub was not asked. */
  unchecked?: string;
}

function pullRequestGate(pr: string, check: PullRequestCheck | undefined): Omit<GateResult, 'gate'> {
  if (check === undefined || check.ref !== pr)
    return {
      outcome: 'failed',
      detail: `the item changed while its pull request was checked on GitHub: call complete_item again`,
    };
  if (check.unchecked !== undefined)
    return { outcome: 'passed', detail: `pull request ${pr} (not checked on GitHub: ${check.unchecked})` };
  const where = `${check.repository}#${check.number}`;
  if (!check.found)
    return {
      outcome: 'failed',
      detail: `pull request ${where} does not exist on GitHub (or the token cannot see it): link the pull request that delivers the item`,
    };
  if (check.found.state === 'closed' && !check.found.merged)
    return {
      outcome: 'failed',
      detail: `pull request ${where} was closed without being merged: link the pull request that delivers the item`,
    };
  const state = check.found.merged ? 'merged' : check.found.draft ? 'open, draft' : 'open';
  return { outcome: 'passed', detail: `pull request ${check.found.url} (${state})` };
}

/** Sections that hold acceptance criteria, any one of which with content passes the gate. */
const CRITERIA_SECTIONS = ['Acceptance criteria', 'Definition of done'];
const CHECKLIST = /^\s*[-*]\s+\[[ xX]\]\s+\S/m;

/**
 * The policy's gates on `item`: acceptance criteria written (a section, or a checklist), the
 * required sections of its type (template and compliance documentation) written, and, when the
 * item is synced to GitHub, a linked pull request (given now or linked in its text) that GitHub
 * knows and that is open or merged, where `ctx.check` says what GitHub answered.
 */
export function evaluateGates(
  item: Pick<WorkItem, 'type' | 'description'>,
  config: Pick<GovernanceConfig, 'templates' | 'compliance'>,
  ctx: { synced: boolean; pullRequest: string | null; check?: PullRequestCheck | undefined },
): GateResult[] {
  return config.compliance.completionGates.map((gate): GateResult => {
    if (gate === 'acceptanceCriteria') {
      const gaps = sectionGaps(item.description, CRITERIA_SECTIONS);
      const ok = gaps.length < CRITERIA_SECTIONS.length || CHECKLIST.test(item.description);
      return {
        gate,
        outcome: ok ? 'passed' : 'failed',
        detail: ok
          ? 'acceptance criteria written'
          : `no acceptance criteria: add an "Acceptance criteria" section (or a "- [ ]" checklist) to the description (${gaps[0]?.gap ?? 'absent'})`,
      };
    }
    if (gate === 'requiredSections') {
      const required = requiredSections(config as GovernanceConfig)[item.type];
      const gaps = sectionGaps(item.description, required);
      return {
        gate,
        outcome: gaps.length === 0 ? 'passed' : 'failed',
        detail:
          required.length === 0
            ? `no section is required of a ${item.type}`
            : gaps.length === 0
              ? `${required.length} required section(s) written`
              : `sections not written: ${gaps.map((g) => `${g.name} (${g.gap})`).join(', ')}`,
      };
    }
    if (!ctx.synced) {
      return { gate, outcome: 'skipped', detail: 'the item is not synced to GitHub' };
    }
    const pr = ctx.pullRequest ?? linkedPullRequest(item.description);
    if (!pr) {
      return {
        gate,
        outcome: 'failed',
        detail: 'no linked pull request: pass pullRequest (its URL or number) or link it in the description',
      };
    }
    return { gate, ...pullRequestGate(pr, ctx.check) };
  });
}

export interface CompleteCommand {
  workspace: string;
  id: string;
  agent?: string;
  note?: string;
  /** The pull request that delivers the item: a URL, `#12` or `12`. */
  pullRequest?: string;
  expectedVersion?: number;
}

export interface CompleteResult {
  item: WorkItem;
  changed: boolean;
  gates: GateResult[];
  rolledUp: RollupChange[];
}

/** `#12` or `12` as the URL of a pull request in the synced repository. */
function pullRequestRef(ref: string | undefined, repository: string | null): string | null {
  if (ref === undefined) return null;
  const n = /^#?(\d+)$/.exec(ref.trim());
  return n && repository ? `https://github.com/${repository}/pull/${n[1]}` : ref.trim();
}

/**
 * A service's completion: the item moves to review when every gate of `compliance.completionGates`
 * passes; otherwise COMPLETION.GATES_FAILED lists the failing ones and nothing is written.
 * Audited as the status change(s) and `item.completed` with the gates.
 */
export async function completeItem(
  deps: CoreDeps & { github?: IssueTracker | undefined },
  caller: Caller,
  config: Config,
  cmd: CompleteCommand,
): Promise<CompleteResult> {
  const check = await checkPullRequest(deps, caller, config, cmd);
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const item = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, item, cmd.expectedVersion);
    assertAssigned(item, cmd.agent);
    assertOpen(item, 'completion');
    const mapping = (await s.tx.issueMappings(s.workspace)).get(item.id);
    const pullRequest = pullRequestRef(cmd.pullRequest, mapping?.repository ?? null);
    const gates = evaluateGates(item, config, { synced: mapping !== undefined, pullRequest, check });
    const failed = gates.filter((g) => g.outcome === 'failed');
    if (failed.length > 0) {
      throw new DomainError(
        'COMPLETION.GATES_FAILED',
        `${item.id} fails ${failed.length} quality gate(s): ${failed.map((g) => g.gate).join(', ')}`,
        `${failed.map((g) => g.detail).join('; ')}. Fix them (update_item for the description), then call complete_item again.`,
        { gates },
      );
    }
    if (item.status === 'review') return { item, changed: false, gates, rolledUp: [] };
    const note = cmd.note?.trim() || null;
    let current = item;
    const rolledUp: RollupChange[] = [];
    const steps = item.status === 'planning' ? (['in_progress', 'review'] as const) : (['review'] as const);
    for (const status of steps) {
      const moved = await transitionItem(s, current, status, null);
      current = moved.item;
      rolledUp.push(...moved.rolledUp);
    }
    await s.audit({
      entityType: 'item',
      entityId: item.id,
      action: 'item.completed',
      diff: {
        status: { old: item.status, new: current.status },
        gates: { old: null, new: gates.map((g) => `${g.gate}: ${g.outcome}`) },
        ...(pullRequest !== null && { pullRequest: { old: null, new: pullRequest } }),
      },
      reason: note,
    });
    return { item: current, changed: true, gates, rolledUp: mergeRollups([], rolledUp) };
  });
}

/**
 * Asks GitHub, before the write (no request is made inside a transaction), about the pull request a
 * completion of a synced item names; undefined where there is none to ask about. A GitHub failure
 * other than "not found" is the caller's error, and nothing is written.
 */
async function checkPullRequest(
  deps: Pick<CoreDeps, 'store'> & { github?: IssueTracker | undefined },
  caller: Caller,
  config: Config,
  cmd: CompleteCommand,
): Promise<PullRequestCheck | undefined> {
  if (!config.compliance.completionGates.includes('linkedPullRequest')) return undefined;
  const item = await deps.store.reader.getItem(cmd.workspace, cmd.id);
  const mapping = item && (await deps.store.reader.issueMappings(cmd.workspace)).get(item.id);
  if (!item || !mapping) return undefined;
  const ref = pullRequestRef(cmd.pullRequest, mapping.repository) ?? linkedPullRequest(item.description);
  if (ref === null) return undefined;
  const at = parsePullRequestRef(ref, mapping.repository);
  if (at === null)
    return { ref, repository: mapping.repository, number: 0, unchecked: 'no number in the reference' };
  if (!deps.github) return { ...at, ref, unchecked: 'no GitHub access is configured' };
  const [owner, repo] = at.repository.split('/') as [string, string];
  let found;
  try {
    found = await deps.github.pullRequest(owner, repo, at.number, caller);
  } catch (err) {
    // GitHub access for some callers only (GF_GITHUB_TOKENS), not this one: nothing to ask with.
    if (err instanceof DomainError && err.code === 'GITHUB.NOT_CONFIGURED')
      return { ...at, ref, unchecked: 'no GitHub access for this caller' };
    throw err;
  }
  if (found === 'forbidden')
    return {
      ...at,
      ref,
      unchecked: 'the GitHub token may not read pull requests (it needs "Pull requests: read")',
    };
  return { ...at, ref, found };
}

export interface OverdueItem {
  id: string;
  type: WorkItem['type'];
  title: string;
  status: WorkItem['status'];
  agent: string | null;
  assignee: string | null;
  /** When it was due: its milestone's due date (its own or an ancestor's), else start plus estimate. */
  dueAt: string;
  dueSource: 'milestone' | 'estimate';
  /** Days past due, one decimal. */
  daysOverdue: number;
  /** The assigned service's escalateAfterDaysOverdue; null without a service. */
  threshold: number | null;
  /** Past the threshold. */
  escalate: boolean;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** End of a `YYYY-MM-DD` due date, in ms (a milestone due on a day is on time all that day). */
const endOfDay = (date: string) => Date.parse(`${date.slice(0, 10)}T23:59:59.999Z`);

/**
 * How late `item` is at `now`, or null when it is not. `chain` maps ids to items for the
 * milestone an ancestor carries.
 */
export function overdueOf(
  item: WorkItem,
  chain: ReadonlyMap<string, WorkItem>,
  milestones: ReadonlyMap<string, Milestone>,
  services: ReadonlyMap<string, AgentService>,
  now: string,
): OverdueItem | null {
  if (!isOpen(item.status)) return null;
  let due: number | null = null;
  let source: OverdueItem['dueSource'] = 'milestone';
  for (let at: WorkItem | undefined = item; at && due === null;) {
    const m = at.milestoneId ? milestones.get(at.milestoneId) : undefined;
    if (m?.dueOn) due = endOfDay(m.dueOn);
    at = at.parentId ? chain.get(at.parentId) : undefined;
  }
  if (due === null && item.startedAt && item.estimateDays !== null) {
    due = Date.parse(item.startedAt) + item.estimateDays * DAY_MS;
    source = 'estimate';
  }
  if (due === null) return null;
  const late = (Date.parse(now) - due) / DAY_MS;
  if (late <= 0) return null;
  const threshold = item.agent ? (services.get(item.agent)?.escalateAfterDaysOverdue ?? null) : null;
  return {
    id: item.id,
    type: item.type,
    title: item.title,
    status: item.status,
    agent: item.agent,
    assignee: item.assignee ?? null,
    dueAt: new Date(due).toISOString(),
    dueSource: source,
    daysOverdue: round1(late),
    threshold,
    escalate: threshold !== null && late >= threshold,
  };
}

export interface OverdueQuery {
  workspace: string;
  agent?: string;
  /** Only those past their service's escalation threshold. */
  escalateOnly: boolean;
  limit: number;
}

export interface OverdueResult {
  items: OverdueItem[];
  /** Overdue items in all (before the limit). */
  total: number;
  escalate: number;
}

/**
 * The assigned items among `items` that are past due at `now`; an ancestor's milestone counts
 * when the ancestor is among `items` too.
 */
export function overdueAmong(
  items: readonly WorkItem[],
  milestones: readonly Milestone[],
  services: readonly AgentService[],
  now: string,
): OverdueItem[] {
  const chain = new Map(items.map((i) => [i.id, i]));
  const ms = new Map(milestones.map((m) => [m.id, m]));
  const svc = new Map(services.map((x) => [x.id, x]));
  const late: OverdueItem[] = [];
  for (const i of items) {
    if (i.agent === null && !i.assignee) continue;
    const o = overdueOf(i, chain, ms, svc, now);
    if (o) late.push(o);
  }
  return late;
}

/** Open assigned items past due, latest first. */
export async function listOverdue(
  r: StoreReader,
  config: Pick<GovernanceConfig, 'agents'>,
  now: string,
  q: OverdueQuery,
): Promise<OverdueResult> {
  const [items, milestones, services] = await Promise.all([
    allItems(r, q.workspace, { statuses: [...OPEN_STATUSES] }),
    r.listMilestones(q.workspace),
    listAgentServices(r, q.workspace, config, now),
  ]);
  if (items.length === 0) await requireWorkspace(r, q.workspace);
  const late = overdueAmong(items, milestones, services, now).filter(
    (o) => (q.agent === undefined || o.agent === q.agent) && (!q.escalateOnly || o.escalate),
  );
  late.sort((a, b) => b.daysOverdue - a.daysOverdue || a.id.localeCompare(b.id, 'en', { numeric: true }));
  return {
    items: late.slice(0, q.limit),
    total: late.length,
    escalate: late.filter((o) => o.escalate).length,
  };
}

export const ESCALATIONS = ['reassign', 'fallback'] as const;
export type Escalation = (typeof ESCALATIONS)[number];

export interface EscalateCommand {
  workspace: string;
  id: string;
  /** Reassign to another service, or flag to the human fallback (the service keeps it). */
  action: Escalation;
  /** The service to reassign to; absent: chosen by capability and load, the current one left out. */
  agent?: string;
  reason: string;
  /** Escalate before the threshold is reached. */
  force: boolean;
  expectedVersion?: number;
}

export interface EscalateResult {
  item: WorkItem;
  overdue: OverdueItem | null;
  decision: Decision;
}

/** The items from `item` up to its root, by id. */
async function ancestry(s: WriteScope, item: WorkItem): Promise<Map<string, WorkItem>> {
  const chain = new Map<string, WorkItem>([[item.id, item]]);
  for (let id = item.parentId; id !== null;) {
    const p = await requireItem(s.tx, s.workspace, id);
    chain.set(p.id, p);
    id = p.parentId;
  }
  return chain;
}

/**
 * Escalates an item past its service's threshold (or any open item with `force`): reassigned to
 * another capable service with capacity, or flagged to the human fallback of its service (else
 * `rules.fallbackAssignee`), which becomes its GitHub assignee when synced. Audited as
 * `item.escalated` with how late it was.
 */
export async function escalateItem(
  deps: CoreDeps,
  caller: Caller,
  config: Config,
  cmd: EscalateCommand,
): Promise<EscalateResult> {
  return runWrite(deps, caller, cmd.workspace, async (s) => {
    const item = await requireItem(s.tx, s.workspace, cmd.id);
    await assertItemVersion(s.tx, item, cmd.expectedVersion);
    assertOpen(item, 'escalation');
    const services = await listAgentServices(s.tx, s.workspace, config, s.now);
    const svc = new Map(services.map((x) => [x.id, x]));
    const milestones = new Map((await s.tx.listMilestones(s.workspace)).map((m) => [m.id, m]));
    const overdue = overdueOf(item, await ancestry(s, item), milestones, svc, s.now);
    if (!cmd.force && !overdue?.escalate) {
      throw new DomainError(
        'ESCALATION.NOT_DUE',
        overdue
          ? `${item.id} is ${overdue.daysOverdue} day(s) overdue, under the ${overdue.threshold ?? '(no service)'} day threshold of ${item.agent ?? 'its service'}`
          : `${item.id} is not overdue`,
        'list_overdue shows what is due for escalation; pass force: true to escalate anyway.',
        { overdue },
      );
    }
    if (cmd.action === 'reassign' && cmd.agent !== undefined) {
      await assertKnownAgent(s.tx, s.workspace, deps, cmd.agent);
    }
    const decision =
      cmd.action === 'fallback' ? fallbackOf(item, svc, config) : reassignment(item, services, cmd);
    const late = overdue ? `${overdue.daysOverdue} day(s) overdue` : 'not overdue (forced)';
    const next = await writeHolder(
      s,
      item,
      { agent: decision.agent ?? item.agent, assignee: decision.agent !== null ? null : decision.assignee },
      'item.escalated',
      `${cmd.action}: ${cmd.reason.trim()} (${late}; ${decision.reason})`,
    );
    return { item: next, overdue, decision };
  });
}

function fallbackOf(item: WorkItem, svc: ReadonlyMap<string, AgentService>, config: Config): Decision {
  const own = item.agent ? svc.get(item.agent)?.fallbackAssignee : undefined;
  const login = own ?? config.rules?.fallbackAssignee ?? null;
  if (!login) {
    throw new DomainError(
      'ESCALATION.NO_FALLBACK',
      `Neither ${item.agent ?? 'the item'} nor the workspace names a human fallback`,
      'Set agents.<id>.fallbackAssignee or rules.fallbackAssignee with update_config, or escalate with action "reassign".',
    );
  }
  return {
    itemId: item.id,
    agent: null,
    assignee: login,
    rule: 'fallback',
    reason: `flagged to ${login} (${own ? `fallbackAssignee of ${item.agent}` : 'rules.fallbackAssignee'})`,
    candidates: [],
  };
}

function reassignment(item: WorkItem, services: readonly AgentService[], cmd: EscalateCommand): Decision {
  if (cmd.agent !== undefined) {
    const chosen = services.find((x) => x.id === cmd.agent);
    if (chosen && !chosen.healthy) throw unavailable(chosen);
    if (chosen && item.type === 'task' && !chosen.available && chosen.id !== item.agent)
      throw wipFull(chosen);
    return {
      itemId: item.id,
      agent: cmd.agent,
      assignee: null,
      rule: 'explicit',
      reason: `reassigned to ${cmd.agent} from ${item.agent ?? 'no service'}`,
      candidates: [],
    };
  }
  const others = services.filter((x) => x.id !== item.agent);
  const d = decide(item, others);
  if (d.agent === null) throw noneAvailable(d);
  return { ...d, reason: `reassigned from ${item.agent ?? 'no service'}: ${d.reason}` };
}
