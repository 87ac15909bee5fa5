import { createHash, createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.js';
import type { AuditCheckpoint, CheckpointDraft } from '../model/audit-checkpoint.js';
import type { AuditSigner } from '../ports/signer.js';

/**
 * What is signed: a fixed prefix (so a signature over anything else never passes for a checkpoint)
 * and the canonical JSON of every field but the digest and signature. scripts/verify-audit-export.mjs
 * rebuilds the same bytes; change both together.
 */
export function checkpointMessage(cp: CheckpointDraft & { keyId: string }): string {
  const { workspace, seq, headSeq, headHash, records, at, prevDigest, keyId } = cp;
  return `gf-audit-checkpoint/v1\n${canonicalJson({ workspace, seq, headSeq, headHash, records, at, prevDigest, keyId })}`;
}

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** Identifies a public key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKeyPem: string): string {
  return sha256(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })).slice(0, 16);
}

export async function signCheckpoint(draft: CheckpointDraft, signer: AuditSigner): Promise<AuditCheckpoint> {
  const keyId = keyIdOf(await signer.publicKey());
  const message = checkpointMessage({ ...draft, keyId });
  return {
    ...draft,
    keyId,
    digest: checkpointDigest({ ...draft, keyId }),
    signature: await signer.sign(message),
  };
}

/** SHA-256 hex of the signed message: what the next checkpoint's prevDigest names. */
export const checkpointDigest = (cp: CheckpointDraft & { keyId: string }): string =>
  sha256(checkpointMessage(cp));

export type CheckpointFault = 'digest' | 'key' | 'signature';

/** Why `cp` is not a checkpoint signed by `publicKeyPem`, or null when it is. */
export function checkpointFault(cp: AuditCheckpoint, publicKeyPem: string): CheckpointFault | null {
  const message = checkpointMessage(cp);
  if (sha256(message) !== cp.digest) return 'digest';
  if (cp.keyId !== keyIdOf(publicKeyPem)) return 'key';
  let valid = false;
  try {
    valid = verify(null, Buffer.from(message), publicKeyPem, Buffer.from(cp.signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? null : 'signature';
}

/** The signed last line of an export: the head as the server read it when exporting. */
export interface ExportSeal {
  workspace: string;
  headSeq: number;
  headHash: string;
  /** Digest of the latest stored checkpoint ('' when there is none). */
  lastCheckpointDigest: string;
  at: string;
  keyId: string;
}

export function exportSealMessage(seal: ExportSeal): string {
  const { workspace, headSeq, headHash, lastCheckpointDigest, at, keyId } = seal;
  return `gf-audit-export/v1\n${canonicalJson({ workspace, headSeq, headHash, lastCheckpointDigest, at, keyId })}`;
}
