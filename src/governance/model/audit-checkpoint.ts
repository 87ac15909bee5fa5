/**
 * A signed statement about a workspace's audit chain at one moment: "the chain held `records`
 * records and its head was `headSeq` with hash `headHash`". Checkpoints chain to each other by
 * digest, like CloudTrail's digest files, so removing or editing one breaks the next.
 */
export interface AuditCheckpoint {
  workspace: string;
  /** 1-based, gapless per workspace. */
  seq: number;
  /** Seq of the audit record that was the head (0 for an empty chain). */
  headSeq: number;
  /** Hash of that record ('' for an empty chain). */
  headHash: string;
  /** Records in the chain at that moment (1..headSeq). */
  records: number;
  at: string;
  /** Digest of the previous checkpoint ('' for the first). */
  prevDigest: string;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER) that signed it. */
  keyId: string;
  /** SHA-256 hex of the signed message (see checkpointMessage). */
  digest: string;
  /** Ed25519 signature of the signed message, base64. */
  signature: string;
}

export type CheckpointDraft = Omit<AuditCheckpoint, 'keyId' | 'digest' | 'signature'>;
