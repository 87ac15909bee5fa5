/**
 * Checks a hierarchy against the effective policy. Nodes stream in depth-first order (every subtree
 * contiguous, as the store's tree pages and plans come), so memory stays at one open branch
 * whatever the size of the workspace. Item rules report when an item arrives; rules about
 * an item's children report when its subtree ends, right after the subtree's own violations; a
 * milestone epics lack, or share under a title off the naming pattern, is reported once for all of
 * them, when the check ends.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { isOpen, PARENT_TYPE, type ItemType } from '../model/work-item.js';
import { itemViolations, misnamedMilestone, wantedMilestone } from './item-rules.js';
import { buildPolicy, milestoneTitleFor, nameOf, type Policy } from './policy.js';
import { SEVERITIES, type HierarchyNode, type MilestoneRef, type Severity, type Violation } from './types.js';

export interface ValidateOptions {
  /** ISO date (or timestamp) milestones are overdue after. */
  today: string;
  /** Parents outside the checked nodes (the parent of a checked subtree's root), by id. */
  externalParents?: Readonly<Record<string, ItemType>>;
  /** Stored milestones by lower-cased title, so a missing one that exists is attached, not created. */
  milestones?: ReadonlyMap<string, MilestoneRef>;
}

/** Epics that share a misnamed milestone, reported together once the check ends. */
interface MisnamedMilestone {
  ref: MilestoneRef;
  epicTitle: string;
  epics: string[];
}

/** Epics that lack one milestone, reported together once the check ends. */
interface MissingMilestone {
  title: string;
  named: boolean;
  epics: string[];
}

interface Open {
  node: HierarchyNode;
  children: number;
  /** Lower-cased names of child features (for an epic's requiredChildFeatures), once it has one. */
  featureNames: Set<string> | null;
}

export interface HierarchyValidator {
  /** The violations this node settles: its own, and those of subtrees it closes. */
  push(node: HierarchyNode): Violation[];
  /** The violations of the subtrees still open. */
  finish(): Violation[];
  /**
   * True when nothing more is reported of `node` once its push returns: a task (no rule looks at
   * what sits under one, and milestone findings go to epics).
   */
  settles(node: HierarchyNode): boolean;
}

export function createValidator(config: GovernanceConfig, opts: ValidateOptions): HierarchyValidator {
  const policy = buildPolicy(config, opts.today.slice(0, 10));
  const stack: Open[] = [];
  const missing = new Map<string, MissingMilestone>();
  const misnamed = new Map<string, MisnamedMilestone>();
  /** Pops the open subtrees above stack[depth], innermost first. */
  const closeTo = (depth: number, out: Violation[]): void => {
    while (stack.length > depth) subtreeViolations(stack.pop()!, policy, out);
  };
  return {
    push(node) {
      // Close every open subtree that is not this node's parent.
      let depth = 0;
      if (node.parentId !== null) {
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i]!.node.id === node.parentId) {
            depth = i + 1;
            break;
          }
        }
      }
      const out: Violation[] = [];
      closeTo(depth, out);
      const parent = stack[stack.length - 1];
      const parentType = parent
        ? parent.node.type
        : node.parentId
          ? opts.externalParents?.[node.parentId]
          : null;
      parentViolations(node, parentType, policy, out);
      itemViolations(node, policy, out);
      if (node.type === 'epic') {
        const want = wantedMilestone(node, policy);
        if (want) {
          const key = want.title.toLowerCase();
          const m = missing.get(key) ?? { ...want, epics: [] };
          m.named ||= want.named;
          m.epics.push(node.id);
          missing.set(key, m);
        }
        const off = misnamedMilestone(node, policy);
        if (off) {
          const key = off.id ?? `title:${off.title.toLowerCase()}`;
          const m = misnamed.get(key) ?? { ref: off, epicTitle: node.title, epics: [] };
          m.epics.push(node.id);
          misnamed.set(key, m);
        }
      }
      if (parent) {
        parent.children++;
        if (node.type === 'feature')
          (parent.featureNames ??= new Set()).add(nameOf(policy, 'feature', node.title).toLowerCase());
      }
      // Tasks go on the stack too, so a child wrongly placed under one is seen as such.
      stack.push({ node, children: 0, featureNames: null });
      return out;
    },
    finish() {
      const out: Violation[] = [];
      closeTo(0, out);
      for (const m of misnamed.values()) out.push(misnamedViolation(m, policy));
      for (const m of missing.values()) out.push(missingMilestone(m, policy, opts.milestones));
      missing.clear();
      misnamed.clear();
      return out;
    },
    settles: (node) => node.type === 'task',
  };
}

const MAX_LISTED = 10;

/** Epic ids in id order (so the report does not depend on arrival order), the first few listed. */
function epicList(epics: readonly string[]): { first: string; text: string } {
  const ids = [...epics].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const shown = ids.slice(0, MAX_LISTED).join(', ');
  return {
    first: ids[0]!,
    text: ids.length > MAX_LISTED ? `${shown} and ${ids.length - MAX_LISTED} more` : shown,
  };
}

function misnamedViolation(m: MisnamedMilestone, p: Policy): Violation {
  const { first, text } = epicList(m.epics);
  const ref = `${m.ref.id ? `${m.ref.id} ` : ''}${JSON.stringify(m.ref.title)}`;
  const pattern = JSON.stringify(p.config.milestones.namingPattern);
  return {
    severity: 'info',
    rule: 'milestone.naming',
    itemId: first,
    message: `Milestone ${ref} of epic(s) ${text} does not follow milestones.namingPattern ${pattern}`,
    fix:
      `Rename milestone ${ref} to follow ${pattern}, e.g. ${JSON.stringify(milestoneTitleFor(p, m.epicTitle))} ` +
      `(upsert_milestone), or change milestones.namingPattern (update_config).`,
  };
}

function missingMilestone(
  m: MissingMilestone,
  p: Policy,
  stored: ReadonlyMap<string, MilestoneRef> | undefined,
): Violation {
  const ms = p.config.milestones;
  const { first, text: epics } = epicList(m.epics);
  const title = JSON.stringify(m.title);
  const existing = stored?.get(m.title.toLowerCase());
  const why = m.named
    ? `named by the plan for epic(s) ${epics}; applying neither creates nor attaches it (milestones.autoCreate is off)`
    : `(milestones.namingPattern) is missing on epic(s) ${epics}`;
  const auto = ms.autoCreate
    ? '.'
    : ', or turn on milestones.autoCreate (update_config) so apply_spec creates and attaches the milestones its plans name.';
  return {
    severity: ms.autoCreate ? 'warning' : 'info',
    rule: 'milestone.missing',
    itemId: first,
    message: `Milestone ${title} ${why}${existing ? `; it exists as ${existing.id}` : stored ? '; it does not exist yet' : ''}`,
    fix: existing
      ? `${m.named ? 'After apply_spec, set' : 'Set'} milestoneId ${existing.id} on ${epics} (update_item)${auto}`
      : `Create milestone ${title} (upsert_milestone) and ${m.named ? 'after apply_spec ' : ''}set it as the milestoneId of ${epics} (update_item)${auto}`,
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

function parentViolations(
  n: HierarchyNode,
  parentType: ItemType | null | undefined,
  p: Policy,
  out: Violation[],
): void {
  const expected = PARENT_TYPE[n.type];
  if (n.parentId !== null && parentType === undefined) {
    out.push(
      parentViolation(
        n,
        `${n.id} names parent ${n.parentId}, which is not in the hierarchy`,
        `Move ${n.id} under an existing ${expected ?? 'root'} (move_item).`,
      ),
    );
  } else if (expected === null) {
    if (parentType) {
      out.push(
        parentViolation(
          n,
          `Epic ${n.id} sits under ${n.parentId}`,
          `Move ${n.id} to the root: epics have no parent.`,
        ),
      );
    }
  } else if (!parentType) {
    if (n.type === 'task' && p.config.structure.allowUnparentedTasks) return;
    out.push(
      parentViolation(
        n,
        `${n.type === 'task' ? 'Task' : 'Feature'} ${n.id} has no parent ${expected}${n.type === 'task' ? ' (structure.allowUnparentedTasks is off)' : ''}`,
        `Move ${n.id} under a ${expected} (move_item).`,
      ),
    );
  } else if (parentType !== expected) {
    out.push(
      parentViolation(
        n,
        `${n.id} (${n.type}) sits under ${parentType} ${n.parentId}; a ${n.type} needs a ${expected}`,
        `Move ${n.id} under a ${expected} (move_item).`,
      ),
    );
  }
}

const parentViolation = (n: HierarchyNode, message: string, fix: string): Violation => ({
  severity: 'error',
  rule: 'structure.parent',
  itemId: n.id,
  message,
  fix,
});

/** Rules that need an epic's or feature's children, once its subtree is complete. */
function subtreeViolations(o: Open, p: Policy, out: Violation[]): void {
  const { node: n, children } = o;
  if (n.type === 'task') return;
  const g = p.config.generation;
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
      (f) => !o.featureNames?.has(f.toLowerCase()),
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
}
