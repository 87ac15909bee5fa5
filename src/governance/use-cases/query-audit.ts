import type { AuditRecord } from '../model/audit.js';
import { assertWorkspace } from '../model/workspace.js';
import type { AuditQuery, StoreReader } from '../ports/store.js';
import { requireWorkspace } from './workspaces.js';

// Stored times compare as text. Past year 9999 toISOString() writes '+010000-...', which sorts before
// every stored time, so bounds are clamped to the last instant with a 4-digit year.
const LAST_ISO_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** An ISO time (any offset) as the UTC text stored times compare with; undefined stays undefined. */
export const auditBound = (t: string | undefined): string | undefined =>
  t ? new Date(Math.min(Date.parse(t), LAST_ISO_MS)).toISOString() : undefined;

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  /** Pass as beforeSeq for the older records; null on the last page. */
  nextBeforeSeq: number | null;
}

/** One page of a workspace's audit records, newest first; WORKSPACE.NOT_FOUND for an empty unknown one. */
export async function queryAuditPage(
  r: StoreReader,
  workspace: string,
  query: AuditQuery,
): Promise<AuditPage> {
  assertWorkspace(workspace);
  // One more than asked tells whether older records exist.
  const rows = await r.queryAudit(workspace, {
    ...query,
    since: auditBound(query.since),
    until: auditBound(query.until),
    limit: query.limit + 1,
  });
  if (rows.length === 0) await requireWorkspace(r, workspace);
  const records = rows.slice(0, query.limit);
  return { records, nextBeforeSeq: rows.length > query.limit ? records.at(-1)!.seq : null };
}

const SCAN_PAGE = 1000;

/** Every record the query matches, newest first, at most `max`, read a page of 1,000 at a time. */
export async function allAudit(
  reader: Pick<StoreReader, 'queryAudit'>,
  workspace: string,
  query: Omit<AuditQuery, 'limit' | 'beforeSeq'>,
  max = Number.MAX_SAFE_INTEGER,
): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let before: number | undefined; out.length < max;) {
    const page = await reader.queryAudit(workspace, {
      ...query,
      limit: SCAN_PAGE,
      ...(before !== undefined && { beforeSeq: before }),
    });
    out.push(...page);
    if (page.length < SCAN_PAGE) break;
    before = page.at(-1)!.seq;
  }
  return out;
}
