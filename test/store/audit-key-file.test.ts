import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateAuditKey, openAuditSigner } from '../../src/store/files/audit-signer.js';

describe('audit signing key file', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gf-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the key on first use (0600, directory 0700) and reuses it afterwards', async () => {
    const file = join(dir, 'data', 'audit-signing-key.pem');
    const created: string[] = [];
    const first = await openAuditSigner({ file, onCreated: (f) => created.push(f) });
    const pub = await first.publicKey();
    expect(created).toEqual([file]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    const again = await openAuditSigner({ file, onCreated: (f) => created.push(f) });
    expect(await again.publicKey()).toBe(pub);
    expect(created).toHaveLength(1);
  });

  it('prefers GF_AUDIT_SIGNING_KEY and then never touches the file', async () => {
    const file = join(dir, 'unused.pem');
    const key = generateAuditKey().export({ type: 'pkcs8', format: 'pem' }).toString();
    const signer = await openAuditSigner({ key, file });
    expect(await signer.sign('m')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names a key file that holds no Ed25519 key, without replacing it', async () => {
    const file = join(dir, 'bad.pem');
    await writeFile(file, 'not a key');
    await expect(openAuditSigner({ file })).rejects.toThrow(
      `The audit signing key file ${file} is not a PEM or base64 PKCS#8 private key`,
    );
    expect(await readFile(file, 'utf8')).toBe('not a key');
  });
});
