/**
 * A compliance report over stored items: the hierarchy validator's findings (every rule of
 * compliance/types.ts) under the policy's per-rule settings (`compliance.rules`: off, another
 * severity, categories such as `sox`), a score per item and the workspace's totals. Scope: the
 * workspace, one item and its descendants, or one item alone (its own findings).
 */
import { checkStoredHierarchy } from '../compliance/check-stored.js';
import {
  applyOverrides,
  lowestResults,
  scoreOf,
  summarizeResults,
  type EngineViolation,
  type ItemResult,
  type WorkspaceReport,
} from '../compliance/engine.js';
import type { Violation } from '../compliance/types.js';
import type { Status } from '../model/work-item.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { ConfigService } from './config-service.js';
import { requireWorkspace } from './workspaces.js';
import { workspaceFindings } from './workspace-rules.js';

export const COMPLIANCE_SCOPES = ['workspace', 'subtree', 'item'] as const;
export type ComplianceScope = (typeof COMPLIANCE_SCOPES)[number];

export interface ComplianceCommand {
  workspace: string;
  scope: ComplianceScope;
  /** The item of a subtree or item scope. */
  id?: string;
  /** Items listed, lowest score first. */
  limit: number;
  onProgress?: (done: number, total?: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface ComplianceReport extends WorkspaceReport {
  /** Items with findings, lowest score first, at most `limit`. */
  items: ItemResult[];
  /** Items with findings in all. */
  itemsWithFindings: number;
  configVersions: { org: number | null; repo: number | null };
}

export async function complianceReport(
  deps: Pick<CoreDeps, 'store' | 'clock'> & { config: Pick<ConfigService, 'effective'> },
  cmd: ComplianceCommand,
): Promise<ComplianceReport> {
  const { config, versions } = await deps.config.effective(cmd.workspace);
  const rootId = cmd.scope === 'workspace' ? undefined : cmd.id;
  // Findings are put under their item as they come, so the validator's own objects do not
  // outlive the page they were found on.
  const byItem = new Map<string, EngineViolation[]>();
  // An item's own findings come together: look its list up once for all of them.
  let lastId: string | undefined;
  let lastList: EngineViolation[] = [];
  const onViolations = (vs: readonly Violation[]): void => {
    if (vs.length === 0) return;
    for (const v of applyOverrides(vs, config.compliance.rules)) {
      if (cmd.scope === 'item' && v.itemId !== cmd.id) continue;
      if (v.itemId !== lastId) {
        lastId = v.itemId;
        const list = byItem.get(v.itemId);
        if (list) lastList = list;
        else byItem.set(v.itemId, (lastList = []));
      }
      lastList.push(v);
    }
  };
  const statuses = new Map<string, Status>();
  let checked = await checkStoredHierarchy(deps.store.reader, {
    onItems: (items) => {
      for (const i of items) statuses.set(i.id, i.status);
    },
    workspace: cmd.workspace,
    ...(rootId !== undefined && { rootId }),
    config,
    today: deps.clock.now(),
    onViolations,
    ...(cmd.onProgress && { onProgress: cmd.onProgress }),
    ...(cmd.signal && { signal: cmd.signal }),
  });
  if (checked === 0) await requireWorkspace(deps.store.reader, cmd.workspace);
  // The rules over links, approvals and the audit trail, kept to the scope checked.
  const cross = await workspaceFindings(deps.store.reader, cmd.workspace, config, {
    statuses,
    ...(cmd.scope === 'item' && cmd.id !== undefined && { itemId: cmd.id }),
  });
  if (cross.length > 0) {
    let keep: (v: Violation) => boolean = () => true;
    if (cmd.scope === 'subtree' && rootId !== undefined) {
      const root = await deps.store.reader.getItem(cmd.workspace, rootId);
      const paths = new Map(
        (await deps.store.reader.getItems(cmd.workspace, [...new Set(cross.map((v) => v.itemId))])).map(
          (i) => [i.id, i.path],
        ),
      );
      keep = (v) => {
        const p = paths.get(v.itemId);
        return root !== undefined && p !== undefined && (p === root.path || p.startsWith(`${root.path}/`));
      };
    }
    onViolations(cross.filter(keep));
  }
  if (cmd.scope === 'item') checked = 1;
  const results: ItemResult[] = [...byItem].map(([itemId, violations]) => ({
    itemId,
    score: scoreOf(violations),
    violations,
  }));
  return {
    ...summarizeResults(results, checked),
    items: lowestResults(results, cmd.limit),
    itemsWithFindings: results.length,
    configVersions: { org: versions.org ?? null, repo: versions.repo ?? null },
  };
}
