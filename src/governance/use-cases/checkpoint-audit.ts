import { hashRecord } from '../audit/chain.js';
import { checkpointFault, signCheckpoint } from '../audit/checkpoint.js';
import { DomainError } from '../errors.js';
import type { AuditCheckpoint } from '../model/audit-checkpoint.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Clock } from '../ports/clock.js';
import type { AuditSigner } from '../ports/signer.js';
import type { AuditReads } from '../ports/store-audit.js';
import type { GovernanceStore } from '../ports/store.js';

export interface CheckpointResult {
  /** The latest checkpoint after the call; null when the chain is empty and none was ever written. */
  checkpoint: AuditCheckpoint | null;
  /** False when the head had not moved since the latest checkpoint (nothing new to sign). */
  created: boolean;
}

const BATCH = 1000;

const broken = (workspace: string, detail: string) =>
  new DomainError(
    'AUDIT.CHAIN_BROKEN',
    `The audit chain of ${workspace} does not continue its last checkpoint: ${detail}`,
    'Nothing was signed. Run verify_audit to see what changed, and compare with your last export.',
    { workspace },
  );

/**
 * Signs the workspace's current audit head, chained to the previous checkpoint. Checkpoints are not
 * audit records (writing one would move the head it signs); they form their own signed chain. Only a
 * chain that continues the previous checkpoint intact is signed, so a rewrite made since is never
 * blessed: the records after the previous head are checked link by link, under the write lock.
 */
export async function checkpointAudit(
  deps: { store: GovernanceStore; clock: Clock },
  signer: AuditSigner,
  workspace: string,
): Promise<CheckpointResult> {
  assertWorkspace(workspace);
  const publicKey = await signer.publicKey();
  return deps.store.write(workspace, async (tx) => {
    const last = await tx.lastAuditCheckpoint(workspace);
    const head = (await tx.auditHead(workspace)) ?? { seq: 0, hash: '' };
    if (!last && head.seq === 0) return { checkpoint: null, created: false };
    if (last && last.headSeq === head.seq && last.headHash === head.hash) {
      return { checkpoint: last, created: false };
    }
    if (last && checkpointFault(last, publicKey)) {
      throw broken(workspace, `checkpoint ${last.seq} does not verify with the signing key`);
    }
    await assertContinues(tx, workspace, last, head);
    const checkpoint = await signCheckpoint(
      {
        workspace,
        seq: (last?.seq ?? 0) + 1,
        headSeq: head.seq,
        headHash: head.hash,
        records: head.seq,
        at: deps.clock.now(),
        prevDigest: last?.digest ?? '',
      },
      signer,
    );
    await tx.appendAuditCheckpoint(checkpoint);
    return { checkpoint, created: true };
  });
}

/** The records from the last checkpoint's head to `head` exist, link and hash as they should. */
async function assertContinues(
  reader: AuditReads,
  workspace: string,
  last: AuditCheckpoint | undefined,
  head: { seq: number; hash: string },
): Promise<void> {
  const from = last?.headSeq ?? 0;
  if (head.seq < from) throw broken(workspace, `the head is at ${head.seq}, before the signed ${from}`);
  let prev = { seq: from, hash: last?.headHash ?? '' };
  if (from > 0) {
    const [signed] = await reader.auditRange(workspace, from - 1, 1);
    if (signed?.seq !== from || signed.hash !== prev.hash || hashRecord(signed) !== signed.hash) {
      throw broken(workspace, `record ${from} is not the one checkpoint ${last!.seq} signed`);
    }
  }
  while (prev.seq < head.seq) {
    const batch = await reader.auditRange(workspace, prev.seq, BATCH);
    if (batch.length === 0) throw broken(workspace, `records ${prev.seq + 1}..${head.seq} are gone`);
    for (const r of batch) {
      if (r.seq !== prev.seq + 1 || r.prevHash !== prev.hash || hashRecord(r) !== r.hash) {
        throw broken(workspace, `record ${prev.seq + 1} is missing or altered`);
      }
      prev = { seq: r.seq, hash: r.hash };
    }
  }
  if (prev.seq !== head.seq || prev.hash !== head.hash) throw broken(workspace, 'the head does not match');
}

/**
 * Checkpoints every workspace whose head moved since its last checkpoint (the periodic run).
 * A workspace that fails is reported through `onError` and does not stop the others.
 */
export async function checkpointAll(
  deps: { store: GovernanceStore; clock: Clock },
  signer: AuditSigner,
  onError: (workspace: string, err: unknown) => void,
): Promise<number> {
  let created = 0;
  for (const workspace of await deps.store.reader.listWorkspaces(100_000)) {
    try {
      if ((await checkpointAudit(deps, signer, workspace)).created) created++;
    } catch (err) {
      onError(workspace, err);
    }
  }
  return created;
}

/** The signer, or the error a tool that needs one reports without it. */
export function requireSigner(signer: AuditSigner | undefined): AuditSigner {
  if (signer) return signer;
  throw new DomainError(
    'AUDIT.NO_SIGNING_KEY',
    'This server has no audit signing key',
    'Set GF_AUDIT_SIGNING_KEY or let the server create its key file (GF_AUDIT_KEY_FILE) and restart.',
  );
}
