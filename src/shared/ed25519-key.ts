import { createPrivateKey, type KeyObject } from 'node:crypto';

/**
 * An Ed25519 private key from PEM (PKCS#8, `\n` escapes allowed, as env files write them) or from
 * base64 PKCS#8 DER. Throws an Error saying what is wrong, never echoing the key.
 */
export function parseEd25519PrivateKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    const t = text.trim();
    key = t.includes('-----BEGIN')
      ? createPrivateKey(t.replace(/\\n/g, '\n'))
      : createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('is not a PEM or base64 PKCS#8 private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`is a ${key.asymmetricKeyType ?? 'unknown'} key; an Ed25519 key is required`);
  }
  return key;
}
