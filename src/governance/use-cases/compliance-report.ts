/**
 * A compliance report over stored items: the hierarchy validator's findings (every rule of
 * compliance/types.ts) under the policy's per-rule settings (`compliance.rules`: off, another
 * severity, categories such as `sox`), a score per item and the workspace's totals. Scope: the
 * workspace, one item and its descendants, or one item alone (its own findings).
 */
import { checkStoredHierarchy } from '../compliance/check-stored.js';
import { ReportBuilder, type ListedReport } from '../compliance/engine.js';
import type { Violation } from '../compliance/types.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { ConfigService } from './config-service.js';
import { requireItem } from './lookups.js';
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

export interface ComplianceReport extends ListedReport {
  configVersions: { org: number | null; repo: number | null };
}

export async function complianceReport(
  deps: Pick<CoreDeps, 'store' | 'clock'> & { config: Pick<ConfigService, 'effective'> },
  cmd: ComplianceCommand,
): Promise<ComplianceReport> {
  const { config, versions } = await deps.config.effective(cmd.workspace);
  const rootId = cmd.scope === 'workspace' ? undefined : cmd.id;
  const builder = new ReportBuilder(config.compliance.rules, cmd.limit);
  const add = (vs: readonly Violation[], settled?: string): void => {
    if (vs.length === 0 && settled === undefined) return;
    builder.add(cmd.scope === 'item' ? vs.filter((v) => v.itemId === cmd.id) : vs, settled);
  };
  // The rules over links, approvals and the audit trail, kept to the scope checked, are in before
  // the first item is checked (read while the first page is): then an item's findings are all in once
  // the validator has seen it, and the report can settle it.
  const root = rootId === undefined ? undefined : await requireItem(deps.store.reader, cmd.workspace, rootId);
  const crossFindings = async (): Promise<void> => {
    const cross = await workspaceFindings(deps.store.reader, cmd.workspace, config, {
      ...(cmd.scope === 'item' && cmd.id !== undefined && { itemId: cmd.id }),
    });
    if (cross.length === 0 || cmd.scope !== 'subtree' || root === undefined) return add(cross);
    const paths = new Map(
      (await deps.store.reader.getItems(cmd.workspace, [...new Set(cross.map((v) => v.itemId))])).map((i) => [
        i.id,
        i.path,
      ]),
    );
    add(
      cross.filter((v) => {
        const p = paths.get(v.itemId);
        return p !== undefined && (p === root.path || p.startsWith(`${root.path}/`));
      }),
    );
  };
  const before = crossFindings();
  before.catch(() => undefined); // awaited by the check unless it stops first
  let checked = await checkStoredHierarchy(deps.store.reader, {
    workspace: cmd.workspace,
    ...(rootId !== undefined && { rootId }),
    config,
    today: deps.clock.now(),
    onViolations: add,
    before,
    ...(cmd.onProgress && { onProgress: cmd.onProgress }),
    ...(cmd.signal && { signal: cmd.signal }),
  });
  if (checked === 0) await requireWorkspace(deps.store.reader, cmd.workspace);
  if (cmd.scope === 'item') checked = 1;
  return {
    ...builder.report(checked),
    configVersions: { org: versions.org ?? null, repo: versions.repo ?? null },
  };
}
