import { hashRecord } from '../audit/chain.js';
import { assertWorkspace } from '../model/workspace.js';
import type { StoreReader } from '../ports/store.js';

export type AuditProblem = 'altered' | 'broken_link' | 'missing' | 'head_mismatch';

export interface AuditVerification {
  workspace: string;
  ok: boolean;
  /** Records read and checked. */
  checked: number;
  /** Seq of the last record the store's head points at (0 for an empty chain). */
  headSeq: number;
  /** The first problem found, walking from the oldest record. */
  firstBad: { seq: number; problem: AuditProblem; detail: string } | null;
}

const BATCH = 1000;

/**
 * Walks the workspace's chain oldest first: every seq present and gapless, every prevHash equal to the
 * previous hash, every hash recomputing from the record, and the stored head at the last record.
 */
export async function verifyAudit(
  reader: StoreReader,
  workspace: string,
  onProgress?: (checked: number, total: number) => Promise<void>,
): Promise<AuditVerification> {
  assertWorkspace(workspace);
  const head = await reader.auditHead(workspace);
  const headSeq = head?.seq ?? 0;
  const result = (checked: number, firstBad: AuditVerification['firstBad']): AuditVerification => ({
    workspace,
    ok: firstBad === null,
    checked,
    headSeq,
    firstBad,
  });
  let prev = { seq: 0, hash: '' };
  let checked = 0;
  for (;;) {
    const batch = await reader.auditRange(workspace, prev.seq, BATCH);
    for (const r of batch) {
      if (r.seq !== prev.seq + 1) {
        return result(checked, {
          seq: prev.seq + 1,
          problem: 'missing',
          detail: `record ${prev.seq + 1} is gone (next is ${r.seq})`,
        });
      }
      if (r.prevHash !== prev.hash) {
        return result(checked, {
          seq: r.seq,
          problem: 'broken_link',
          detail: 'prevHash does not match the previous record',
        });
      }
      if (hashRecord(r) !== r.hash) {
        return result(checked, { seq: r.seq, problem: 'altered', detail: 'content does not match its hash' });
      }
      prev = { seq: r.seq, hash: r.hash };
      checked++;
    }
    if (onProgress && batch.length > 0) await onProgress(checked, headSeq);
    if (batch.length < BATCH) break;
  }
  if (prev.seq < headSeq) {
    return result(checked, {
      seq: prev.seq + 1,
      problem: 'missing',
      detail: `records ${prev.seq + 1}..${headSeq} are gone`,
    });
  }
  if (prev.seq > headSeq || (head && head.hash !== prev.hash)) {
    return result(checked, {
      seq: prev.seq,
      problem: 'head_mismatch',
      detail: 'the chain head does not match the last record',
    });
  }
  return result(checked, null);
}
