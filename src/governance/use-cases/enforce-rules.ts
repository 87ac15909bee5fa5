/**
 * Enforcing compliance rules (`compliance.rules.<id>.enforce`): before a write commits, every item
 * it changed is checked against the per-item rules, and a violation of an enforcing rule the item
 * did not have before the write refuses the whole write (COMPLIANCE.VIOLATION, with the rule and
 * its remediation). The transaction rolls back, so a refused write changes nothing. The policy is
 * read inside the write's own transaction, as hierarchyPolicy reads it.
 */
import { enforcedRules, newEnforcedViolations, type EngineViolation } from '../compliance/engine.js';
import { milestoneRef, nodeFromItem } from '../compliance/nodes.js';
import { buildPolicy } from '../compliance/policy.js';
import type { MilestoneRef } from '../compliance/types.js';
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { DomainError, isDomainError } from '../errors.js';
import type { AuditDiff } from '../model/audit.js';
import type { WorkItem } from '../model/work-item.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { StoreTx } from '../ports/store.js';
import { documentReader } from './config-documents.js';
import { mergeDocs, readConfigDocs } from './config-effective.js';

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
  // Only a stored override can make a rule enforcing; skip the merge when none mentions it.
  if (!JSON.stringify([docs.org?.override, docs.repo?.override]).includes('"enforce":true')) return;
  let config;
  try {
    config = mergeDocs(docs, DEFAULT_CONFIG).config;
  } catch (err) {
    if (isDomainError(err) && err.code === 'CONFIG.INVALID') return; // as hierarchyPolicy: do not stop writes
    throw err;
  }
  const overrides = config.compliance.rules;
  const enforced = enforcedRules(overrides);
  if (enforced.size === 0) return;
  const policy = buildPolicy(config, now.slice(0, 10));
  let refs: Map<string, MilestoneRef> | undefined;
  const found: EngineViolation[] = [];
  for (const [id, olds] of written.before) {
    const after = written.after.get(id) ?? (await tx.getItem(workspace, id));
    if (!after) continue;
    if ((after.milestoneId || (olds && typeof olds.milestoneId === 'string')) && !refs) {
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
