/**
 * A compliance report over stored items: the hierarchy validator's findings (every rule of
 * compliance/types.ts) under the policy's per-rule settings (`compliance.rules`: off, another
 * severity, categories such as `sox`), a score per item and the workspace's totals. Scope: the
 * workspace, one item and its descendants, or one item alone (its own findings).
 */
import { checkStoredHierarchy } from '../compliance/check-stored.js';
import {
  applyOverrides,
  scoreOf,
  summarizeResults,
  type EngineViolation,
  type ItemResult,
  type WorkspaceReport,
} from '../compliance/engine.js';
import type { Violation } from '../compliance/types.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { ConfigService } from './config-service.js';
import { requireWorkspace } from './workspaces.js';

export const COMPLIANCE_SCOPES = ['workspace', 'subtree', 'item'] as const;
export type ComplianceScope = (typeof COMPLIANCE_SCOPES)[number];

/** `T-9` before `T-10`; one collator, since localeCompare with options builds one per call. */
const ID_ORDER = new Intl.Collator('en', { numeric: true });

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
  const found: Violation[] = [];
  const rootId = cmd.scope === 'workspace' ? undefined : cmd.id;
  let checked = await checkStoredHierarchy(deps.store.reader, {
    workspace: cmd.workspace,
    ...(rootId !== undefined && { rootId }),
    config,
    today: deps.clock.now(),
    onViolations: (vs) => found.push(...vs),
    ...(cmd.onProgress && { onProgress: cmd.onProgress }),
    ...(cmd.signal && { signal: cmd.signal }),
  });
  if (checked === 0) await requireWorkspace(deps.store.reader, cmd.workspace);
  const own = cmd.scope === 'item' ? found.filter((v) => v.itemId === cmd.id) : found;
  if (cmd.scope === 'item') checked = 1;
  const byItem = new Map<string, EngineViolation[]>();
  for (const v of applyOverrides(own, config.compliance.rules)) {
    const list = byItem.get(v.itemId);
    if (list) list.push(v);
    else byItem.set(v.itemId, [v]);
  }
  const results: ItemResult[] = [...byItem].map(([itemId, violations]) => ({
    itemId,
    score: scoreOf(violations),
    violations,
  }));
  results.sort((a, b) => a.score - b.score || ID_ORDER.compare(a.itemId, b.itemId));
  return {
    ...summarizeResults(results, checked),
    items: results.slice(0, cmd.limit),
    itemsWithFindings: results.length,
    configVersions: { org: versions.org ?? null, repo: versions.repo ?? null },
  };
}
