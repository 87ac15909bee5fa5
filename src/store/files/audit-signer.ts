import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditSigner } from '../../governance/ports/signer.js';
import { parseEd25519PrivateKey } from '../../shared/ed25519-key.js';

/** Signs with an Ed25519 private key held in memory. */
export function ed25519Signer(privateKey: KeyObject): AuditSigner {
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKey: () => Promise.resolve(publicKey),
    sign: (message) => Promise.resolve(sign(null, Buffer.from(message), privateKey).toString('base64')),
  };
}

/** A fresh key pair, for tests and for the first start without a key. */
export function generateAuditKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

export interface AuditKeySource {
  /** GF_AUDIT_SIGNING_KEY, already checked by the configuration: wins over the file. */
  key?: string;
  /** The key file; created (0600, directory 0700) with a new key when it does not exist. */
  file: string;
  /** Told when a new key file was written, so the operator learns where it is. */
  onCreated?: (file: string, publicKey: string) => void;
}

/**
 * The signer of the configured key (the composition loads it on first use, so start-up reads no
 * file). Without GF_AUDIT_SIGNING_KEY the key file is read, or created once: `wx` makes a second
 * process starting at the same moment read the first one's key instead of replacing it.
 */
export async function openAuditSigner(source: AuditKeySource): Promise<AuditSigner> {
  return ed25519Signer(await loadKey(source));
}

async function loadKey(source: AuditKeySource): Promise<KeyObject> {
  if (source.key) return parseEd25519PrivateKey(source.key);
  try {
    return fromFile(source.file, await readFile(source.file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = generateAuditKey();
  const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  await mkdir(dirname(source.file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(source.file, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fromFile(source.file, await readFile(source.file, 'utf8'));
  }
  source.onCreated?.(source.file, createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
  return key;
}

function fromFile(file: string, text: string): KeyObject {
  try {
    return parseEd25519PrivateKey(text);
  } catch (err) {
    throw new Error(`The audit signing key file ${file} ${(err as Error).message}`);
  }
}
