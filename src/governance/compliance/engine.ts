/**
 * The compliance engine core (issue 10 item 3, first slice): applies per-rule policy overrides
 * (enabled, severity, categories) to the findings of the existing per-item rules
 * (item-rules.ts; no rule is written twice), scores each item and aggregates a workspace report.
 * Pure: no store, no clock; use-cases/compliance-report.ts runs it over a stored hierarchy.
 */
import { ITEM_RULE_IDS, itemViolations } from './item-rules.js';
import type { Policy } from './policy.js';
import type { HierarchyNode, RuleId, Severity, Violation } from './types.js';
import { SEVERITIES } from './types.js';

/** A policy override for one rule; absent fields keep the rule's defaults. */
export interface RuleOverride {
  enabled?: boolean;
  /** Refuse a write that would leave an item with a new violation of the rule. */
  enforce?: boolean;
  severity?: Severity;
  categories?: readonly string[];
}

export type RuleOverrides = Readonly<Partial<Record<RuleId, RuleOverride>>>;

export interface EngineViolation extends Violation {
  categories: string[];
}

export interface ItemResult {
  itemId: string;
  /** 100 minus 25 per error, 10 per warning, 2 per info finding, floored at 0. */
  score: number;
  violations: EngineViolation[];
}

export interface WorkspaceReport {
  checked: number;
  /** Share (0-1) of checked items with no error-severity violation; 1 when nothing was checked. */
  complianceRate: number;
  meanScore: number;
  byRule: Record<string, number>;
  bySeverity: Record<Severity, number>;
  byCategory: Record<string, number>;
}

const PENALTY: Record<Severity, number> = { error: 25, warning: 10, info: 2 };

export function applyOverrides(found: readonly Violation[], overrides: RuleOverrides): EngineViolation[] {
  const out: EngineViolation[] = [];
  for (const v of found) {
    const o = overrides[v.rule];
    if (o?.enabled === false) continue;
    // Written out field by field (not spread): one object shape for every finding keeps the
    // grouping, scoring and totals that read them fast.
    out.push({
      severity: o?.severity ?? v.severity,
      rule: v.rule,
      itemId: v.itemId,
      message: v.message,
      fix: v.fix,
      categories: o?.categories ? [...o.categories] : [],
    });
  }
  return out;
}

export function scoreOf(violations: readonly EngineViolation[]): number {
  const penalty = violations.reduce((sum, v) => sum + PENALTY[v.severity], 0);
  return Math.max(0, 100 - penalty);
}

/** One item's result; the same function the bulk check runs per item. */
export function checkItem(node: HierarchyNode, policy: Policy, overrides: RuleOverrides): ItemResult {
  const violations = applyOverrides(itemViolations(node, policy), overrides);
  return { itemId: node.id, score: scoreOf(violations), violations };
}

/** The rules the overrides make enforcing (and leave enabled), of those a write can be checked against. */
export function enforcedRules(overrides: RuleOverrides): Set<RuleId> {
  const out = new Set<RuleId>();
  for (const [rule, o] of Object.entries(overrides) as [RuleId, RuleOverride | undefined][])
    if (o?.enforce === true && o.enabled !== false && ITEM_RULE_IDS.has(rule)) out.add(rule);
  return out;
}

/**
 * The violations of enforcing rules that `after` has and `before` (the item before the write;
 * null for a new item) did not: a write may leave a standing violation as it was, never add one.
 */
export function newEnforcedViolations(
  after: HierarchyNode,
  before: HierarchyNode | null,
  policy: Policy,
  overrides: RuleOverrides,
  enforced: ReadonlySet<RuleId> = enforcedRules(overrides),
): EngineViolation[] {
  if (enforced.size === 0) return [];
  const found = applyOverrides(itemViolations(after, policy), overrides).filter((v) => enforced.has(v.rule));
  if (found.length === 0 || before === null) return found;
  const had = new Set(itemViolations(before, policy).map((v) => v.rule));
  return found.filter((v) => !had.has(v.rule));
}

export function checkItems(
  nodes: Iterable<HierarchyNode>,
  policy: Policy,
  overrides: RuleOverrides,
): ItemResult[] {
  const out: ItemResult[] = [];
  for (const n of nodes) out.push(checkItem(n, policy, overrides));
  return out;
}

/**
 * The report over `checked` items, of which `results` are those with findings (or all of them):
 * an item without a result counts as compliant with a score of 100. The definition ReportBuilder,
 * which builds it as findings stream in, is tested against.
 */
export function summarizeResults(
  results: readonly ItemResult[],
  checked: number = results.length,
): WorkspaceReport {
  const byRule: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let clean = 0;
  let scoreSum = 0;
  for (const r of results) {
    scoreSum += r.score;
    if (!r.violations.some((v) => v.severity === 'error')) clean += 1;
    for (const v of r.violations) {
      byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
      bySeverity[v.severity] += 1;
      for (const c of v.categories) byCategory[c] = (byCategory[c] ?? 0) + 1;
    }
  }
  const n = Math.max(checked, results.length);
  const unlisted = n - results.length;
  return {
    checked: n,
    complianceRate: n === 0 ? 1 : (clean + unlisted) / n,
    meanScore: n === 0 ? 100 : (scoreSum + 100 * unlisted) / n,
    byRule,
    bySeverity,
    byCategory,
  };
}

/** `T-9` before `T-10`; one collator, since localeCompare with options builds one per call. */
const ID_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * An id of upper-case letters, a hyphen and a number without leading zeros (as the store issues
 * them). The collator orders such ids by prefix (the hyphen sorts before any letter, so `T-` ones
 * come before `TA-` ones), then by number; comparing the parts directly is much cheaper.
 */
const PLAIN_ID_RE = /^([A-Z]+)-([1-9][0-9]{0,14})$/;

/** What report order needs of a result. */
interface Ranked {
  itemId: string;
  score: number;
}

interface SortKey<R extends Ranked> {
  result: R;
  /** The prefix's place in collator order among the ids sorted; -1 for an id not plain. */
  prefix: number;
  num: number;
}

/** Lowest score first, then in collator id order. */
function sortResults<R extends Ranked>(results: R[]): void {
  const parsed = results.map((r) => PLAIN_ID_RE.exec(r.itemId));
  const prefixes = [...new Set(parsed.flatMap((m) => (m ? [m[1]!] : [])))].sort(ID_ORDER.compare);
  const rank = new Map(prefixes.map((p, i) => [p, i]));
  const keys: SortKey<R>[] = results.map((result, i) => {
    const m = parsed[i];
    return m ? { result, prefix: rank.get(m[1]!)!, num: Number(m[2]) } : { result, prefix: -1, num: 0 };
  });
  keys.sort(
    (a, b) =>
      a.result.score - b.result.score ||
      (a.prefix >= 0 && b.prefix >= 0
        ? a.prefix - b.prefix || a.num - b.num
        : ID_ORDER.compare(a.result.itemId, b.result.itemId)),
  );
  for (let i = 0; i < keys.length; i++) results[i] = keys[i]!.result;
}

/**
 * The `limit` first results in report order. Scores lie in 0-100, so counting them per whole point
 * finds the score the list stops at, and only the results at or under it are sorted.
 */
export function lowestResults<R extends Ranked>(results: readonly R[], limit: number): R[] {
  if (limit <= 0 || results.length === 0) return [];
  const point = (score: number) => Math.min(100, Math.max(0, Math.floor(score)));
  const counts = new Array<number>(101).fill(0);
  for (const r of results) counts[point(r.score)]! += 1;
  let cut = 100;
  for (let s = 0, seen = 0; s <= 100; s++) {
    seen += counts[s]!;
    if (seen >= limit) {
      cut = s;
      break;
    }
  }
  const picked = results.filter((r) => point(r.score) <= cut);
  sortResults(picked);
  return picked.slice(0, limit);
}

/** One item's findings as they arrive, as the validator wrote them. */
interface Pending extends Ranked {
  penalty: number;
  error: boolean;
  found: Violation[];
}

export interface ListedReport extends WorkspaceReport {
  /** Items with findings, lowest score first, at most the limit asked for. */
  items: ItemResult[];
  /** Items with findings in all. */
  itemsWithFindings: number;
}

/** Settled items kept past the limit before the surplus is dropped. */
const SETTLED_SLACK = 500;

/**
 * A workspace report built as findings stream in, the same as summarizeResults and lowestResults
 * give over applyOverrides' results, in memory bounded by the limit rather than the findings (a
 * whole check finds tens of thousands, and holding them all was most of a report's cost):
 * each finding's override is looked up once and the totals are counted as it comes; an item
 * settled (no finding of it comes later) is scored at once, and its findings are kept only while it
 * may still be listed; a finding is copied with its overrides written in only when listed.
 */
export class ReportBuilder {
  /** Items with findings not settled yet. */
  private readonly open = new Map<string, Pending>();
  /** Settled items that may still be listed; trimmed to the limit as it grows. */
  private settled: Pending[] = [];
  /** Once `limit` items are settled: the score of the last listed so far (a higher one never will be). */
  private cut = Infinity;
  /** An item's findings mostly come together: the item the last one was for. */
  private last: Pending | undefined;
  private withFindings = 0;
  private clean = 0;
  private scoreSum = 0;
  private readonly byRule: Record<string, number> = {};
  private readonly byCategory: Record<string, number> = {};
  private readonly bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

  constructor(
    private readonly overrides: RuleOverrides,
    private readonly limit: number,
    /** Settled items kept past the limit before the surplus is dropped. */
    private readonly slack = SETTLED_SLACK,
  ) {}

  /**
   * Findings as they come. `settled` names an item no finding of comes after these (the validator's
   * `settles` says when): it is scored at once, and its findings kept only if it may be listed.
   */
  add(found: readonly Violation[], settled?: string): void {
    let penalty = 0;
    let error = false;
    let own = 0;
    for (const v of found) {
      const o = this.overrides[v.rule];
      if (o?.enabled === false) continue;
      const severity = o?.severity ?? v.severity;
      this.byRule[v.rule] = (this.byRule[v.rule] ?? 0) + 1;
      this.bySeverity[severity] += 1;
      if (o?.categories) for (const c of o.categories) this.byCategory[c] = (this.byCategory[c] ?? 0) + 1;
      if (v.itemId === settled) {
        // Counted here; gathered below only if the item may be listed.
        penalty += PENALTY[severity];
        if (severity === 'error') error = true;
        own += 1;
        continue;
      }
      let item = this.last;
      if (item?.itemId !== v.itemId) {
        item = this.open.get(v.itemId);
        if (item === undefined) {
          item = { itemId: v.itemId, score: 100, penalty: 0, error: false, found: [] };
          this.open.set(v.itemId, item);
          this.withFindings += 1;
        }
        this.last = item;
      }
      item.penalty += PENALTY[severity];
      if (severity === 'error') item.error = true;
      item.found.push(v);
    }
    if (settled !== undefined) this.settle(settled, found, own, penalty, error);
  }

  private settle(
    itemId: string,
    found: readonly Violation[],
    own: number,
    penalty: number,
    error: boolean,
  ): void {
    const before = this.open.get(itemId);
    if (before !== undefined) {
      this.open.delete(itemId);
      if (this.last === before) this.last = undefined;
    } else if (own === 0) return;
    else this.withFindings += 1;
    const score = Math.max(0, 100 - penalty - (before?.penalty ?? 0));
    error ||= before?.error ?? false;
    this.scoreSum += score;
    if (!error) this.clean += 1;
    if (score > this.cut || this.limit <= 0) return;
    const mine = before?.found ?? [];
    if (own > 0)
      for (const v of found)
        if (v.itemId === itemId && this.overrides[v.rule]?.enabled !== false) mine.push(v);
    this.settled.push({ itemId, score, penalty: 0, error, found: mine });
    if (this.settled.length >= this.limit + this.slack) {
      this.settled = lowestResults(this.settled, this.limit);
      this.cut = this.settled[this.settled.length - 1]!.score;
    }
  }

  /** The report over `checked` items, the `limit` lowest-scored listed with their findings. */
  report(checked: number): ListedReport {
    for (const item of this.open.values()) {
      this.score(item);
      this.settled.push(item);
    }
    this.open.clear();
    this.last = undefined;
    const n = Math.max(checked, this.withFindings);
    const unlisted = n - this.withFindings;
    return {
      checked: n,
      complianceRate: n === 0 ? 1 : (this.clean + unlisted) / n,
      meanScore: n === 0 ? 100 : (this.scoreSum + 100 * unlisted) / n,
      byRule: { ...this.byRule },
      bySeverity: { ...this.bySeverity },
      byCategory: { ...this.byCategory },
      items: lowestResults(this.settled, this.limit).map((i) => ({
        itemId: i.itemId,
        score: i.score,
        violations: applyOverrides(i.found, this.overrides),
      })),
      itemsWithFindings: this.withFindings,
    };
  }

  private score(item: Pending): void {
    item.score = Math.max(0, 100 - item.penalty);
    this.scoreSum += item.score;
    if (!item.error) this.clean += 1;
  }
}
