/**
 * Closing an item while an item it depends on is still open: a warning in the result by default,
 * a refusal when the workspace's configuration sets `rules.dependencies: enforce`.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError, isDomainError } from '../errors.js';
import { isOpen, type WorkItem } from '../model/work-item.js';
import { documentReader } from './config-documents.js';
import { mergeDocs, readConfigDocs } from './config-effective.js';
import type { WriteScope } from './write-scope.js';

export interface StatusWarning {
  code: 'DEPENDENCY.OPEN';
  message: string;
  /** The open items the item depends on. */
  ids: string[];
}

/**
 * Read through the write's transaction, as hierarchyPolicy does; overrides that no longer combine
 * into a valid configuration fall back to the default (warn) so they do not stop status changes.
 */
async function dependencyRule(s: WriteScope): Promise<GovernanceConfig['rules']['dependencies']> {
  const docs = await readConfigDocs(documentReader(s.deps, s.tx), s.workspace);
  if (!docs.org && !docs.repo) return 'warn';
  try {
    return mergeDocs(docs).config.rules.dependencies;
  } catch (err) {
    if (!isDomainError(err) || err.code !== 'CONFIG.INVALID') throw err;
    return 'warn';
  }
}

/** The warnings of moving `item` to done; DEPENDENCY.OPEN instead when the rule is enforce. */
export async function checkDependencies(s: WriteScope, item: WorkItem): Promise<StatusWarning[]> {
  const blockers = (await s.tx.linksOf(s.workspace, item.id))
    .filter((l) => l.blockedId === item.id)
    .map((l) => l.blockerId);
  if (blockers.length === 0) return [];
  const open = (await s.tx.getItems(s.workspace, blockers)).filter((b) => isOpen(b.status));
  if (open.length === 0) return [];
  const ids = open.map((b) => b.id);
  const list = open
    .slice(0, 10)
    .map((b) => `${b.id} (${b.status})`)
    .join(', ');
  if ((await dependencyRule(s)) === 'enforce') {
    throw new DomainError(
      'DEPENDENCY.OPEN',
      `${item.id} depends on ${open.length} open item(s)`,
      `Finish or cancel what it depends on first: ${list}; or unlink_items if it no longer depends on them ` +
        '(the workspace sets rules.dependencies: enforce).',
      { open: ids },
    );
  }
  return [{ code: 'DEPENDENCY.OPEN', message: `${item.id} is done while it depends on open ${list}`, ids }];
}
