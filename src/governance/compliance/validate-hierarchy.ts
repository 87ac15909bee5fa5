/**
 * Checks a hierarchy against the effective policy. Nodes stream in depth-first order (every subtree
 * contiguous, as the store's tree pages and plans come), so memory stays at one open branch
 * whatever the size of the workspace. Item rules report when an item arrives; rules about
 * an item's children report when its subtree ends, right after the subtree's own violations.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { isOpen, PARENT_TYPE, type ItemType } from '../model/work-item.js';
import { itemViolations } from './item-rules.js';
import { buildPolicy, nameOf, type Policy } from './policy.js';
import { SEVERITIES, type HierarchyNode, type Severity, type Violation } from './types.js';

export interface ValidateOptions {
  /** ISO date (or timestamp) milestones are overdue after. */
  today: string;
  /** Parents outside the checked nodes (the parent of a checked subtree's root), by id. */
  externalParents?: Readonly<Record<string, ItemType>>;
}

interface Open {
  node: HierarchyNode;
  children: number;
  /** Lower-cased names of child features (for an epic's requiredChildFeatures). */
  featureNames: Set<string>;
}

export interface HierarchyValidator {
  /** The violations this node settles: its own, and those of subtrees it closes. */
  push(node: HierarchyNode): Violation[];
  /** The violations of the subtrees still open. */
  finish(): Violation[];
}

export function createValidator(config: GovernanceConfig, opts: ValidateOptions): HierarchyValidator {
  const policy = buildPolicy(config, opts.today.slice(0, 10));
  const stack: Open[] = [];
  const close = (until: (top: Open) => boolean): Violation[] => {
    const out: Violation[] = [];
    while (stack.length > 0 && !until(stack[stack.length - 1]!))
      out.push(...subtreeViolations(stack.pop()!, policy));
    return out;
  };
  return {
    push(node) {
      // Close every open subtree that is not this node's parent.
      const onStack = node.parentId !== null && stack.some((o) => o.node.id === node.parentId);
      const out = close((top) => onStack && top.node.id === node.parentId);
      const parent = stack[stack.length - 1];
      const parentType = parent
        ? parent.node.type
        : node.parentId
          ? opts.externalParents?.[node.parentId]
          : null;
      out.push(...parentViolations(node, parentType, policy), ...itemViolations(node, policy));
      if (parent) {
        parent.children++;
        if (node.type === 'feature')
          parent.featureNames.add(nameOf(policy, 'feature', node.title).toLowerCase());
      }
      // Tasks go on the stack too, so a child wrongly placed under one is seen as such.
      stack.push({ node, children: 0, featureNames: new Set() });
      return out;
    },
    finish: () => close(() => false),
  };
}

/** The whole report for nodes in any order (they are put in tree order first, input order among siblings). */
export function validateHierarchy(
  nodes: readonly HierarchyNode[],
  config: GovernanceConfig,
  opts: ValidateOptions,
): ValidationReport {
  const v = createValidator(config, opts);
  const all = treeOrder(nodes).flatMap((n) => v.push(n));
  return summarize([...all, ...v.finish()], nodes.length);
}

export interface ValidationReport {
  checked: number;
  compliant: boolean;
  counts: Record<Severity, number>;
  violations: Violation[];
}

export function summarize(violations: Violation[], checked: number): ValidationReport {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const v of violations) counts[v.severity]++;
  return { checked, compliant: counts.error === 0, counts, violations };
}

/** Depth-first, siblings in input order; nodes whose parent is absent are roots. */
function treeOrder(nodes: readonly HierarchyNode[]): HierarchyNode[] {
  const ids = new Set(nodes.map((n) => n.id));
  const kids = new Map<string | null, HierarchyNode[]>();
  for (const n of nodes) {
    const key = n.parentId !== null && ids.has(n.parentId) ? n.parentId : null;
    const siblings = kids.get(key);
    if (siblings) siblings.push(n);
    else kids.set(key, [n]);
  }
  const out: HierarchyNode[] = [];
  const seen = new Set<string>();
  const visit = (n: HierarchyNode): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    out.push(n);
    for (const c of kids.get(n.id) ?? []) visit(c);
  };
  for (const r of kids.get(null) ?? []) visit(r);
  // Parent cycles have no root: report their nodes too rather than drop them.
  for (const n of nodes) visit(n);
  return out;
}

function parentViolations(n: HierarchyNode, parentType: ItemType | null | undefined, p: Policy): Violation[] {
  const expected = PARENT_TYPE[n.type];
  const v = (message: string, fix: string): Violation[] => [
    { severity: 'error', rule: 'structure.parent', itemId: n.id, message, fix },
  ];
  if (n.parentId !== null && parentType === undefined) {
    return v(
      `${n.id} names parent ${n.parentId}, which is not in the hierarchy`,
      `Move ${n.id} under an existing ${expected ?? 'root'} (move_item).`,
    );
  }
  if (expected === null) {
    return parentType
      ? v(`Epic ${n.id} sits under ${n.parentId}`, `Move ${n.id} to the root: epics have no parent.`)
      : [];
  }
  if (!parentType) {
    if (n.type === 'task' && p.config.structure.allowUnparentedTasks) return [];
    return v(
      `${n.type === 'task' ? 'Task' : 'Feature'} ${n.id} has no parent ${expected}${n.type === 'task' ? ' (structure.allowUnparentedTasks is off)' : ''}`,
      `Move ${n.id} under a ${expected} (move_item).`,
    );
  }
  if (parentType !== expected) {
    return v(
      `${n.id} (${n.type}) sits under ${parentType} ${n.parentId}; a ${n.type} needs a ${expected}`,
      `Move ${n.id} under a ${expected} (move_item).`,
    );
  }
  return [];
}

/** Rules that need an epic's or feature's children, once its subtree is complete. */
function subtreeViolations(o: Open, p: Policy): Violation[] {
  const { node: n, children } = o;
  const g = p.config.generation;
  const out: Violation[] = [];
  const add = (severity: Severity, rule: Violation['rule'], message: string, fix: string) =>
    out.push({ severity, rule, itemId: n.id, message, fix });
  if (n.type === 'epic') {
    if (children === 0 && isOpen(n.status)) {
      add(
        'warning',
        'structure.emptyEpic',
        `Epic ${n.id} has no features`,
        `Add features to ${n.id} (create_item type feature parentId ${n.id}), or close it if it is not needed.`,
      );
    }
    const missing = p.config.templates.epic.requiredChildFeatures.filter(
      (f) => !o.featureNames.has(f.toLowerCase()),
    );
    if (missing.length > 0) {
      add(
        'warning',
        'structure.requiredFeature',
        `Epic ${n.id} lacks required feature(s) ${missing.join(', ')} (templates.epic.requiredChildFeatures)`,
        `Create feature(s) ${missing.map((f) => JSON.stringify(f)).join(', ')} under ${n.id} (create_item).`,
      );
    }
    if (children > g.maxFeaturesPerEpic) {
      add(
        'error',
        'limits.maxFeaturesPerEpic',
        `Epic ${n.id} has ${children} features; the limit is ${g.maxFeaturesPerEpic} (generation.maxFeaturesPerEpic)`,
        `Split epic ${n.id}: it has ${children} features; the limit is ${g.maxFeaturesPerEpic}. Move ${children - g.maxFeaturesPerEpic} feature(s) to a new epic (move_item).`,
      );
    }
  } else if (n.type === 'feature') {
    if (children === 0 && isOpen(n.status)) {
      add(
        g.autoTaskBreakdown ? 'warning' : 'info',
        'structure.emptyFeature',
        `Feature ${n.id} has no tasks`,
        `Break ${n.id} down into tasks (create_item type task parentId ${n.id}).`,
      );
    }
    if (children === 0 && n.estimateDays === null) {
      add(
        'warning',
        'estimate.missing',
        `Feature ${n.id} has neither tasks nor an estimate`,
        `Set estimateDays on ${n.id} (update_item), or add estimated tasks.`,
      );
    }
    if (children > g.maxTasksPerFeature) {
      add(
        'error',
        'limits.maxTasksPerFeature',
        `Feature ${n.id} has ${children} tasks; the limit is ${g.maxTasksPerFeature} (generation.maxTasksPerFeature)`,
        `Split feature ${n.id}: it has ${children} tasks; the limit is ${g.maxTasksPerFeature}. Move ${children - g.maxTasksPerFeature} task(s) to a new feature (move_item).`,
      );
    }
  }
  return out;
}
