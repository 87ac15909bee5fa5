/**
 * A workspace's policy applied to its stored items or to the plan a spec would write, one page of
 * violations at a time (the totals always cover everything checked).
 */
import { checkStoredHierarchy } from '../compliance/check-stored.js';
import { createCollector, type ViolationPage } from '../compliance/collect.js';
import { milestoneRef, nodeFromPlanItem } from '../compliance/nodes.js';
import type { Severity } from '../compliance/types.js';
import { createValidator } from '../compliance/validate-hierarchy.js';
import { DomainError } from '../errors.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { ConfigService } from './config-service.js';
import { rulePlan } from './plan-spec.js';
import { requireWorkspace } from './workspaces.js';

export type HierarchySource =
  { kind: 'stored'; rootId?: string } | { kind: 'spec'; text: string; asOf?: string };

export interface CheckHierarchyCommand {
  workspace: string;
  source: HierarchySource;
  minSeverity: Severity;
  /** nextCursor of the previous page. */
  cursor?: string;
  limit: number;
  onProgress?: (done: number, total?: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface HierarchyCheck {
  /** Items checked. */
  checked: number;
  page: ViolationPage;
  nextCursor: string | null;
  configVersions: { org: number | null; repo: number | null };
}

/** The cursor is the offset of the next violation listed; anything else is refused before any read. */
export function violationOffset(cursor: string | undefined): number {
  const offset = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new DomainError(
      'INPUT.INVALID',
      'The cursor is not one this tool issued',
      'Pass nextCursor from the previous page with the same source and minSeverity, or omit it.',
    );
  }
  return offset;
}

export async function checkHierarchy(
  deps: Pick<CoreDeps, 'store' | 'clock'> & { config: Pick<ConfigService, 'effective'> },
  cmd: CheckHierarchyCommand,
): Promise<HierarchyCheck> {
  const offset = violationOffset(cmd.cursor);
  const { config, versions } = await deps.config.effective(cmd.workspace);
  const today = deps.clock.now();
  const collector = createCollector({ minSeverity: cmd.minSeverity, offset, limit: cmd.limit });
  const { source } = cmd;
  let checked: number;
  if (source.kind === 'stored') {
    checked = await checkStoredHierarchy(deps.store.reader, {
      workspace: cmd.workspace,
      ...(source.rootId && { rootId: source.rootId }),
      config,
      today,
      onViolations: (vs) => collector.add(vs),
      ...(cmd.onProgress && { onProgress: cmd.onProgress }),
      ...(cmd.signal && { signal: cmd.signal }),
    });
    if (checked === 0) await requireWorkspace(deps.store.reader, cmd.workspace);
  } else {
    // The plan apply_spec would write by rules: this workspace's options and templates.
    const plan = rulePlan(source.text, source.asOf ?? today, config);
    // With milestones.autoCreate on, applying attaches a named milestone that exists already.
    const milestones = new Map(
      (await deps.store.reader.listMilestones(cmd.workspace)).map((m) => [
        m.title.toLowerCase(),
        milestoneRef(m),
      ]),
    );
    const validator = createValidator(config, { today, milestones });
    for (const item of plan.items) {
      const node = nodeFromPlanItem(item);
      const stored =
        config.milestones.autoCreate && node.milestone && milestones.get(node.milestone.title.toLowerCase());
      collector.add(validator.push(stored ? { ...node, milestone: stored } : node));
    }
    collector.add(validator.finish());
    checked = plan.items.length;
  }
  const page = collector.page();
  return {
    checked,
    page,
    nextCursor: page.nextOffset === null ? null : String(page.nextOffset),
    configVersions: { org: versions.org ?? null, repo: versions.repo ?? null },
  };
}
