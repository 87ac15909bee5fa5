import { exportSealMessage, keyIdOf } from '../audit/checkpoint.js';
import type { AuditCheckpoint } from '../model/audit-checkpoint.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Clock } from '../ports/clock.js';
import type { AuditSigner } from '../ports/signer.js';
import type { AuditReads } from '../ports/store-audit.js';

export const EXPORT_FORMAT = 'gf-audit-export/v1';

export interface ExportPage {
  /** JSON Lines; the pages of one export, concatenated in order, are the export file. */
  jsonl: string;
  records: number;
  checkpoints: number;
  /** Pass as afterSeq for the next page; null on the last page (which carries the checkpoints and seal). */
  nextAfterSeq: number | null;
  keyId: string;
}

const BATCH = 1000;

/**
 * One page of a workspace's audit export: a header line first (page one), then records oldest
 * first, and on the last page every stored checkpoint and a seal signed now over the head the
 * export ends at. A third party checks it with the public key alone (scripts/verify-audit-export.mjs).
 */
export async function exportAudit(
  deps: { reader: AuditReads; clock: Clock },
  signer: AuditSigner,
  cmd: { workspace: string; afterSeq: number; limit: number },
): Promise<ExportPage> {
  assertWorkspace(cmd.workspace);
  const { reader } = deps;
  const workspace = cmd.workspace;
  const publicKey = await signer.publicKey();
  const keyId = keyIdOf(publicKey);
  const at = deps.clock.now();
  const lines: string[] = [];
  if (cmd.afterSeq === 0) {
    lines.push(
      JSON.stringify({ type: 'header', format: EXPORT_FORMAT, workspace, keyId, publicKey, exportedAt: at }),
    );
  }
  const records = await reader.auditRange(workspace, cmd.afterSeq, cmd.limit + 1);
  const page = records.slice(0, cmd.limit);
  for (const r of page) lines.push(JSON.stringify({ type: 'record', ...r }));
  if (records.length > cmd.limit) {
    return {
      jsonl: join(lines),
      records: page.length,
      checkpoints: 0,
      nextAfterSeq: page.at(-1)!.seq,
      keyId,
    };
  }
  const checkpoints: AuditCheckpoint[] = [];
  for (;;) {
    const batch = await reader.auditCheckpoints(workspace, checkpoints.at(-1)?.seq ?? 0, BATCH);
    checkpoints.push(...batch);
    if (batch.length < BATCH) break;
  }
  for (const c of checkpoints) lines.push(JSON.stringify({ type: 'checkpoint', ...c }));
  // The seal names the last record exported, not the stored head: a write that landed meanwhile is
  // simply in the next export, and a head that disagrees with the records shows in verify_audit.
  const last = page.at(-1);
  const seal = {
    workspace,
    headSeq: last?.seq ?? cmd.afterSeq,
    headHash: last?.hash ?? '',
    lastCheckpointDigest: checkpoints.at(-1)?.digest ?? '',
    at,
    keyId,
  };
  const signature = await signer.sign(exportSealMessage(seal));
  lines.push(JSON.stringify({ type: 'seal', ...seal, signature }));
  return {
    jsonl: join(lines),
    records: page.length,
    checkpoints: checkpoints.length,
    nextAfterSeq: null,
    keyId,
  };
}

const join = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');
