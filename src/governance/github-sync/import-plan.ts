/**
 * A repository's issues as a plan the plan applier can write: each issue not already this
 * workspace's becomes an item whose type comes from, in order, the caller's explicit mapping, the
 * issue's GitHub type (Epic, Feature, Task), a type label (`type:epic`...), or its place in the
 * sub-issue tree (a root with sub-issues is an epic, a sub-issue with its own a feature, a leaf a
 * task). Sub-issue parents become parents, blocked-by links dependencies, closed issues done (or
 * cancelled when closed as not planned). Each item's plan id names its issue (`gh-12`), so
 * importing again finds what the last import wrote.
 */
import type { GovernanceConfig } from '../config/schema.js';
import type { ImportedItem, ImportedPlan } from '../import/types.js';
import { ITEM_TYPES, type ItemType } from '../model/work-item.js';
import type { CurrentIssue } from './diff.js';
import { parseMarker } from './marker.js';

export type TypeRule = 'explicit' | 'issue type' | 'type label' | 'sub-issue tree';

export interface ImportDecision {
  number: number;
  planId: string;
  type: ItemType;
  rule: TypeRule;
}

export interface GitHubImportPlan {
  plan: ImportedPlan;
  decisions: ImportDecision[];
  /** Issues this workspace already holds (a mapping row, or its marker): not imported again. */
  managed: { number: number; itemId: string | null }[];
  /** Issues left out, and why (a parent that cannot hold them, say). */
  skipped: { number: number; reason: string }[];
}

const CHILD: Record<ItemType, ItemType | null> = { epic: 'feature', feature: 'task', task: null };

export const planIdOf = (number: number): string => `gh-${number}`;

export function importPlan(
  workspace: string,
  issues: readonly CurrentIssue[],
  mapped: ReadonlySet<number>,
  config: Pick<GovernanceConfig, 'labels'>,
  explicit: ReadonlyMap<number, ItemType> = new Map(),
): GitHubImportPlan {
  const managed: GitHubImportPlan['managed'] = [];
  const candidates: CurrentIssue[] = [];
  for (const i of issues) {
    const marker = parseMarker(i.body);
    if (mapped.has(i.number)) managed.push({ number: i.number, itemId: null });
    else if (marker && marker.workspace === workspace)
      managed.push({ number: i.number, itemId: marker.itemId });
    else candidates.push(i);
  }
  const byNumber = new Map(candidates.map((i) => [i.number, i]));
  const children = new Map<number, number>();
  for (const i of candidates)
    if (i.parentNumber !== null) children.set(i.parentNumber, (children.get(i.parentNumber) ?? 0) + 1);
  const typeLabel = new Map(ITEM_TYPES.map((t) => [config.labels.type[t].name.toLowerCase(), t]));
  const decide = (i: CurrentIssue): { type: ItemType; rule: TypeRule } => {
    const e = explicit.get(i.number);
    if (e) return { type: e, rule: 'explicit' };
    const native = i.issueType?.toLowerCase();
    if (native && (ITEM_TYPES as readonly string[]).includes(native))
      return { type: native as ItemType, rule: 'issue type' };
    for (const l of i.labels) {
      const t = typeLabel.get(l.toLowerCase());
      if (t) return { type: t, rule: 'type label' };
    }
    const hasChildren = (children.get(i.number) ?? 0) > 0;
    const inTree = i.parentNumber !== null && byNumber.has(i.parentNumber);
    return {
      type: hasChildren ? (inTree ? 'feature' : 'epic') : 'task',
      rule: 'sub-issue tree',
    };
  };
  const decided = new Map(candidates.map((i) => [i.number, decide(i)]));
  const decisions: ImportDecision[] = [];
  const skipped: GitHubImportPlan['skipped'] = [];
  const items: ImportedItem[] = [];
  const placed = new Set<number>();
  // Parents first: an issue is placed once its parent is (or it has none here).
  const depth = (i: CurrentIssue, seen = new Set<number>()): number => {
    const p = i.parentNumber === null ? undefined : byNumber.get(i.parentNumber);
    if (!p || seen.has(p.number)) return 0;
    seen.add(i.number);
    return 1 + depth(p, seen);
  };
  for (const i of [...candidates].sort((a, b) => depth(a) - depth(b) || a.number - b.number)) {
    const { type, rule } = decided.get(i.number)!;
    const parent = i.parentNumber === null ? undefined : byNumber.get(i.parentNumber);
    let parentId: string | null = null;
    if (parent) {
      if (!placed.has(parent.number)) {
        skipped.push({ number: i.number, reason: `its parent #${parent.number} is not imported` });
        continue;
      }
      const parentType = decided.get(parent.number)!.type;
      if (CHILD[parentType] !== type) {
        skipped.push({
          number: i.number,
          reason: `a ${type} cannot sit under the ${parentType} #${parent.number}; give it an explicit type`,
        });
        continue;
      }
      parentId = planIdOf(parent.number);
    } else if (type !== 'epic' && type !== 'task') {
      skipped.push({ number: i.number, reason: `a ${type} needs a parent epic; give it an explicit type` });
      continue;
    }
    placed.add(i.number);
    decisions.push({ number: i.number, planId: planIdOf(i.number), type, rule });
    const closed = i.state === 'closed';
    items.push({
      id: planIdOf(i.number),
      type,
      title: i.title.slice(0, 200) || `Issue #${i.number}`,
      description: i.body,
      acceptanceCriteria: [],
      parentId,
      priority: 'medium',
      estimateDays: 0,
      agent: null,
      milestone: null,
      labels: i.labels.filter((l) => !typeLabel.has(l.toLowerCase())).slice(0, 20),
      source: { startLine: i.number, endLine: i.number },
      status: closed ? (i.stateReason === 'not_planned' ? 'cancelled' : 'done') : 'planning',
      statusReason: null,
    });
  }
  const links = candidates.flatMap((i) =>
    placed.has(i.number)
      ? i.blockedBy
          .filter((b) => placed.has(b))
          .map((b) => ({
            fromId: planIdOf(i.number),
            kind: 'depends_on' as const,
            toId: planIdOf(b),
            sourceLine: i.number,
          }))
      : [],
  );
  const count = (t: ItemType) => items.filter((x) => x.type === t).length;
  return {
    plan: {
      source: 'github',
      items,
      links,
      warnings: [],
      stats: {
        lines: 0,
        bytes: 0,
        requirementLines: items.length,
        epics: count('epic'),
        features: count('feature'),
        tasks: count('task'),
        links: links.length,
        acceptanceCriteria: 0,
        warnings: 0,
      },
    },
    decisions,
    managed,
    skipped,
  };
}
