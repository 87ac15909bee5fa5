import { hashRecord } from '../audit/chain.js';
import { checkpointDigest, checkpointFault, keyIdOf } from '../audit/checkpoint.js';
import { ItemReplay, type StateMismatch } from '../audit/replay.js';
import type { AuditCheckpoint } from '../model/audit-checkpoint.js';
import { assertWorkspace } from '../model/workspace.js';
import type { AuditReads } from '../ports/store-audit.js';
import type { ItemReads } from '../ports/store-items.js';

/** The chain, and the item reads its replay is compared against. */
export type AuditVerifyReads = AuditReads & Pick<ItemReads, 'getItems' | 'treePage'>;

export type AuditProblem = 'altered' | 'broken_link' | 'missing' | 'head_mismatch';

export const CHECKPOINT_PROBLEMS = [
  /** A checkpoint seq is skipped: one was deleted. */
  'checkpoint_missing',
  /** prevDigest does not name the previous checkpoint. */
  'checkpoint_link',
  /** The fields no longer give the stored digest: the row was edited. */
  'checkpoint_digest',
  /** Signed by another key than the one given. */
  'checkpoint_key',
  /** The signature does not verify with the public key. */
  'checkpoint_signature',
  /** The checkpoint names a head the chain no longer reaches (truncated or deleted records). */
  'checkpoint_unreached',
  /** The record at the checkpoint's head has another hash (rewritten and recomputed). */
  'checkpoint_mismatch',
] as const;
export type CheckpointProblem = (typeof CHECKPOINT_PROBLEMS)[number];

/** At most this many state mismatches are listed; `mismatches` counts them all. */
export const MAX_MISMATCHES = 100;

export interface AuditVerification {
  workspace: string;
  ok: boolean;
  /** Records read and checked. */
  checked: number;
  /** Seq of the last record the store's head points at (0 for an empty chain). */
  headSeq: number;
  /** The first problem found, walking from the oldest record. */
  firstBad: { seq: number; problem: AuditProblem; detail: string } | null;
  checkpoints: {
    checked: number;
    /** Head seq named by the latest checkpoint, or null when there is none. */
    lastHeadSeq: number | null;
    /** The problem of the oldest bad checkpoint. */
    problem: { seq: number; problem: CheckpointProblem; detail: string } | null;
  };
  /** Stored items compared with the state the trail rebuilds. */
  state: { items: number; mismatches: number; details: StateMismatch[] };
  /** The key checkpoints were checked against; null: signatures were not checked. */
  key: { keyId: string; publicKey: string } | null;
}

const BATCH = 1000;

type Bad = AuditVerification['checkpoints']['problem'];

/**
 * Walks the workspace's chain oldest first: every seq present and gapless, every prevHash equal to the
 * previous hash, every hash recomputing from the record, and the stored head at the last record. Then
 * checks the signed checkpoints (their own chain, signatures with `publicKey`, and that the chain still
 * reaches each one's head with the same hash), and replays the records to rebuild every item.
 */
export async function verifyAudit(
  reader: AuditVerifyReads,
  workspace: string,
  onProgress?: (checked: number, total: number) => Promise<void>,
  publicKey?: string,
): Promise<AuditVerification> {
  assertWorkspace(workspace);
  const head = await reader.auditHead(workspace);
  const headSeq = head?.seq ?? 0;
  const checkpoints = await allCheckpoints(reader, workspace);
  const cpBad: NonNullable<Bad>[] = structuralProblems(checkpoints, publicKey);
  const named = new Map(checkpoints.map((c) => [c.headSeq, c]));

  const replay = new ItemReplay();
  let firstBad: AuditVerification['firstBad'] = null;
  const fail = (bad: NonNullable<AuditVerification['firstBad']>) => void (firstBad ??= bad);
  let prev = { seq: 0, hash: '' };
  let checked = 0;
  for (;;) {
    const batch = await reader.auditRange(workspace, prev.seq, BATCH);
    for (const r of batch) {
      if (r.seq !== prev.seq + 1) {
        fail({
          seq: prev.seq + 1,
          problem: 'missing',
          detail: `record ${prev.seq + 1} is gone (next is ${r.seq})`,
        });
      } else if (r.prevHash !== prev.hash) {
        fail({ seq: r.seq, problem: 'broken_link', detail: 'prevHash does not match the previous record' });
      } else if (hashRecord(r) !== r.hash) {
        fail({ seq: r.seq, problem: 'altered', detail: 'content does not match its hash' });
      }
      const cp = named.get(r.seq);
      if (cp && cp.headHash !== r.hash) {
        cpBad.push({
          seq: cp.seq,
          problem: 'checkpoint_mismatch',
          detail: `record ${r.seq} is not the one checkpoint ${cp.seq} signed (rewritten)`,
        });
      }
      named.delete(r.seq);
      replay.apply(r);
      if (!firstBad) checked++;
      prev = { seq: r.seq, hash: r.hash };
    }
    if (onProgress && batch.length > 0) await onProgress(checked, headSeq);
    if (batch.length < BATCH) break;
  }
  for (const cp of named.values()) {
    if (cp.headSeq === 0) continue;
    cpBad.push({
      seq: cp.seq,
      problem: 'checkpoint_unreached',
      detail: `checkpoint ${cp.seq} signed head ${cp.headSeq}, which the chain no longer reaches (last record ${prev.seq})`,
    });
  }
  if (!firstBad && prev.seq < headSeq) {
    fail({ seq: prev.seq + 1, problem: 'missing', detail: `records ${prev.seq + 1}..${headSeq} are gone` });
  }
  if (!firstBad && (prev.seq > headSeq || (head && head.hash !== prev.hash))) {
    fail({
      seq: prev.seq,
      problem: 'head_mismatch',
      detail: 'the chain head does not match the last record',
    });
  }
  const state = await compareState(reader, workspace, replay, prev.seq);
  const cpProblem = cpBad.sort((a, b) => a.seq - b.seq)[0] ?? null;
  return {
    workspace,
    ok: firstBad === null && cpProblem === null && state.mismatches === 0,
    checked,
    headSeq,
    firstBad,
    checkpoints: {
      checked: checkpoints.length,
      lastHeadSeq: checkpoints.at(-1)?.headSeq ?? null,
      problem: cpProblem,
    },
    state,
    key: publicKey ? { keyId: keyIdOf(publicKey), publicKey } : null,
  };
}

async function allCheckpoints(reader: AuditReads, workspace: string): Promise<AuditCheckpoint[]> {
  const out: AuditCheckpoint[] = [];
  for (;;) {
    const page = await reader.auditCheckpoints(workspace, out.at(-1)?.seq ?? 0, BATCH);
    out.push(...page);
    if (page.length < BATCH) return out;
  }
}

/** Problems a checkpoint has on its own: gaps and links in the checkpoint chain, digests, signatures. */
function structuralProblems(checkpoints: readonly AuditCheckpoint[], publicKey?: string): NonNullable<Bad>[] {
  const out: NonNullable<Bad>[] = [];
  let prev: AuditCheckpoint | undefined;
  for (const cp of checkpoints) {
    const expected = (prev?.seq ?? 0) + 1;
    if (cp.seq !== expected) {
      out.push({ seq: expected, problem: 'checkpoint_missing', detail: `checkpoint ${expected} is gone` });
    } else if (cp.prevDigest !== (prev?.digest ?? '')) {
      out.push({
        seq: cp.seq,
        problem: 'checkpoint_link',
        detail: 'prevDigest does not match the previous checkpoint',
      });
    }
    // Without a key the digest is still checked: an edited row shows, a re-signed one cannot be told.
    const fault = publicKey
      ? checkpointFault(cp, publicKey)
      : checkpointDigest(cp) !== cp.digest
        ? 'digest'
        : null;
    if (fault === 'digest') {
      out.push({
        seq: cp.seq,
        problem: 'checkpoint_digest',
        detail: 'fields do not match the signed digest',
      });
    } else if (fault === 'key') {
      out.push({
        seq: cp.seq,
        problem: 'checkpoint_key',
        detail: `signed by key ${cp.keyId}, not the configured key`,
      });
    } else if (fault === 'signature') {
      out.push({ seq: cp.seq, problem: 'checkpoint_signature', detail: 'signature does not verify' });
    }
    prev = cp;
  }
  return out;
}

const PAGE = 500;

/**
 * Every stored item against its replayed state, in pages. Reads are not one snapshot: an item
 * changed after the walk reads newer than its replay, so mismatching items are checked once more
 * after replaying the records written meanwhile.
 */
async function compareState(
  reader: AuditVerifyReads,
  workspace: string,
  replay: ItemReplay,
  walkedSeq: number,
): Promise<AuditVerification['state']> {
  const seen = new Set<string>();
  let suspects = new Map<string, StateMismatch[]>();
  let afterPath: string | undefined;
  for (;;) {
    const page = await reader.treePage(workspace, {
      limit: PAGE,
      ...(afterPath !== undefined && { afterPath }),
    });
    for (const item of page) {
      seen.add(item.id);
      const m = replay.compare(item);
      if (m.length > 0) suspects.set(item.id, m);
    }
    if (page.length < PAGE) break;
    afterPath = page.at(-1)!.path;
  }
  if (suspects.size > 0) {
    let after = walkedSeq;
    for (;;) {
      const batch = await reader.auditRange(workspace, after, BATCH);
      for (const r of batch) replay.apply(r);
      if (batch.length < BATCH) break;
      after = batch.at(-1)!.seq;
    }
    const again = await reader.getItems(workspace, [...suspects.keys()]);
    const recheck = new Map<string, StateMismatch[]>();
    for (const item of again) {
      const m = replay.compare(item);
      if (m.length > 0) recheck.set(item.id, m);
    }
    suspects = recheck;
  }
  const all = [...suspects.values()].flat();
  for (const id of replay.ids()) if (!seen.has(id)) all.push({ kind: 'missing', itemId: id });
  return { items: seen.size, mismatches: all.length, details: all.slice(0, MAX_MISMATCHES) };
}
