/**
 * Signs audit checkpoints with a key kept outside the store (a key file or GF_AUDIT_SIGNING_KEY),
 * so write access to the database alone cannot produce a valid checkpoint.
 */
export interface AuditSigner {
  /** The public key as SPKI PEM: all a third party needs to verify an export. */
  publicKey(): Promise<string>;
  /** Ed25519 signature of the UTF-8 bytes of `message`, base64. */
  sign(message: string): Promise<string>;
}
