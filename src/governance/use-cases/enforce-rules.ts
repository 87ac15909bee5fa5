/**
 * Enforcing compliance rules (`compliance.rules.<id>.enforce`): before a write commits, every item
 * it changed is checked against the per-item rules, and a violation of an enforcing rule the item
 * did not have before the write refuses the whole write (COMPLIANCE.VIOLATION, with the rule and
 * its remediation). The transaction rolls back, so a refused write changes nothing. The policy is
 * read inside the write's own transaction, as hierarchyPolicy reads it.
 */
import {
  enforcedRules,
  newEnforcedViolations,
  type EngineViolation,
  type RuleOverrides,
} from '../compliance/engine.js';
import { milestoneRef, nodeFromItem } from '../compliance/nodes.js';
import { buildPolicy, type Policy } from '../compliance/policy.js';
import type { MilestoneRef, RuleId } from '../compliance/types.js';
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { DomainError, isDomainError } from '../errors.js';
import type { AuditDiff } from '../model/audit.js';
import type { WorkItem } from '../model/work-item.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreTx } from '../ports/store.js';
import { documentReader } from './config-documents.js';
import { mergeDocs, readConfigDocs, type ConfigDocs } from './config-effective.js';

/**
 * What a write did to items, from its audit entries: per item, its fields before the write (the
 * oldest `old` of each field), or null for an item the write created.
 */
export class WrittenItems {
  readonly before = new Map<string, Record<string, unknown> | null>();
  /** The latest version of each item the write stored. */
  readonly after = new Map<string, WorkItem>();

  stored(item: WorkItem): void {
    this.after.set(item.id, item);
  }

  record(itemId: string, action: string, diff: AuditDiff): void {
    if (action === 'item.rolled_up') return; // a consequence, checked through the item that caused it
    if (action === 'item.created') {
      if (!this.before.has(itemId)) this.before.set(itemId, null);
      return;
    }
    let olds = this.before.get(itemId);
    if (olds === null) return;
    if (olds === undefined) this.before.set(itemId, (olds = {}));
    for (const [field, change] of Object.entries(diff)) if (!(field in olds)) olds[field] = change.old;
  }
}

interface EnforcingPolicy {
  policy: Policy;
  overrides: RuleOverrides;
  enforced: ReadonlySet<RuleId>;
  /** Whether an enforcing rule looks at milestones (only then are they read). */
  milestones: boolean;
}

/**
 * The policies built lately, by the stored overrides' text and the day: a write re-reads the
 * documents in its own transaction, but merging and validating them again each time would cost
 * more than the check itself. The key is the content, so any store or process gets its own answer.
 */
const built = new Map<string, EnforcingPolicy | null>();
const BUILT_MAX = 32;

/** The enforcing rules of the stored overrides; null when there are none (or they no longer combine). */
function enforcingPolicy(docs: ConfigDocs, today: string): EnforcingPolicy | null {
  const text = JSON.stringify([docs.org?.override, docs.repo?.override]);
  // Only a stored override can make a rule enforcing; skip the merge when none mentions it.
  if (!text.includes('"enforce":true')) return null;
  const key = `${today}\u0000${text}`;
  let entry = built.get(key);
  if (entry !== undefined) return entry;
  entry = null;
  try {
    const config = mergeDocs(docs, DEFAULT_CONFIG).config;
    const overrides = config.compliance.rules;
    const enforced = enforcedRules(overrides);
    if (enforced.size > 0) {
      const policy = buildPolicy(config, today);
      entry = {
        policy,
        overrides,
        enforced,
        milestones: [...enforced].some((r) => r.startsWith('milestone.')),
      };
    }
  } catch (err) {
    // As hierarchyPolicy: overrides that no longer combine do not stop writes.
    if (!isDomainError(err) || err.code !== 'CONFIG.INVALID') throw err;
  }
  if (built.size >= BUILT_MAX) built.clear();
  built.set(key, entry);
  return entry;
}

/** At most this many violations are listed in a refusal. */
const LISTED = 20;

/** COMPLIANCE.VIOLATION when the write added a violation of an enforcing rule to an item it wrote. */
export async function enforceRules(
  deps: CoreDeps,
  tx: StoreTx,
  workspace: string,
  now: string,
  written: WrittenItems,
): Promise<void> {
  if (written.before.size === 0) return;
  const docs = await readConfigDocs(documentReader(deps, tx), workspace);
  const rules = enforcingPolicy(docs, now.slice(0, 10));
  if (!rules) return;
  const { policy, overrides, enforced, milestones } = rules;
  let refs: Map<string, MilestoneRef> | undefined;
  const found: EngineViolation[] = [];
  for (const [id, olds] of written.before) {
    const after = written.after.get(id) ?? (await tx.getItem(workspace, id));
    if (!after) continue;
    const named = after.milestoneId || (olds && typeof olds.milestoneId === 'string');
    if (milestones && named && !refs) {
      refs = new Map((await tx.listMilestones(workspace)).map((m) => [m.id, milestoneRef(m)]));
    }
    const ms = refs ?? new Map<string, MilestoneRef>();
    const before = olds === null ? null : nodeFromItem(Object.assign({}, after, olds), ms);
    found.push(...newEnforcedViolations(nodeFromItem(after, ms), before, policy, overrides, enforced));
  }
  if (found.length === 0) return;
  const first = found[0]!;
  throw new DomainError(
    'COMPLIANCE.VIOLATION',
    `Refused: ${first.itemId} would violate enforcing rule ${first.rule}: ${first.message}` +
      (found.length > 1 ? ` (and ${found.length - 1} more)` : ''),
    `${first.fix} Nothing was written. (compliance.rules.${first.rule}.enforce makes the rule enforcing.)`,
    {
      violations: found.slice(0, LISTED).map((v) => ({
        rule: v.rule,
        itemId: v.itemId,
        severity: v.severity,
        message: v.message,
        fix: v.fix,
      })),
    },
  );
}
