import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type ServeConfig, type SystemInfo } from '../../src/config/config.js';

const system: SystemInfo = { username: () => 'alice', homedir: () => '/home/alice' };
const serve = (env: NodeJS.ProcessEnv) => loadConfig([], env, system) as ServeConfig;
const ed25519 = generateKeyPairSync('ed25519').privateKey;
const pem = ed25519.export({ type: 'pkcs8', format: 'pem' }).toString();
const der = ed25519.export({ type: 'pkcs8', format: 'der' }).toString('base64');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('audit signing configuration', () => {
  it.each([
    { name: 'PEM', value: pem },
    { name: 'PEM with \\n escapes (env files)', value: pem.replace(/\n/g, '\\n') },
    { name: 'base64 PKCS#8 DER', value: der },
  ])('takes GF_AUDIT_SIGNING_KEY as $name', ({ value }) => {
    expect(serve({ GF_AUDIT_SIGNING_KEY: value }).audit.signingKey).toBe(value);
  });

  it.each([
    { name: 'not a key', value: 'hello', message: 'is not a PEM or base64 PKCS#8 private key' },
    { name: 'an RSA key', value: rsa, message: 'is a rsa key; an Ed25519 key is required' },
  ])('refuses $name without echoing it', ({ value, message }) => {
    let err: unknown;
    try {
      serve({ GF_AUDIT_SIGNING_KEY: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`GF_AUDIT_SIGNING_KEY: ${message}`);
    expect((err as Error).message).not.toContain(value.slice(0, 20));
  });

  it.each([
    { env: {}, keyFile: '/home/alice/.local/share/governance-factory/audit-signing-key.pem' },
    { env: { GF_DATA_DIR: '/data' }, keyFile: '/data/audit-signing-key.pem' },
    { env: { GF_AUDIT_KEY_FILE: '~/keys/gf.pem' }, keyFile: '/home/alice/keys/gf.pem' },
    {
      env: { DATABASE_URL: 'postgres://db/x', GF_DATA_DIR: '/etc/gf' },
      keyFile: '/etc/gf/audit-signing-key.pem',
    },
  ])('puts the key file at $keyFile for $env', ({ env, keyFile }) => {
    expect(serve(env).audit.keyFile).toBe(keyFile);
  });

  it.each([
    { value: '0', minutes: 0 },
    { value: '60', minutes: 60 },
  ])('checkpoints every $value minutes', ({ value, minutes }) => {
    expect(serve({ GF_AUDIT_CHECKPOINT_MINUTES: value }).audit.checkpointMinutes).toBe(minutes);
  });
});
