/**
 * createDeps as main.ts calls it, over a real SQLite directory: nothing opens before a call needs
 * it, close() closes what it built (once) and leaves what was passed in to its owner.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeps } from '../../src/composition/create-deps.js';
import { silentLogger, testConfig, WS } from '../helpers/mcp.js';
import { sqliteBackend, type OpenedStore } from '../helpers/store-backends.js';

describe('createDeps', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gf-deps-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const config = () =>
    testConfig({ GF_DATA_DIR: join(dir, 'data'), GF_AUDIT_KEY_FILE: join(dir, 'key.pem') });

  it('opens no store, reads no key and loads no adapter until a call needs it', async () => {
    const logger = silentLogger();
    const deps = createDeps(config(), { logger });
    expect(deps.store.kind).toBe('sqlite');
    expect(deps.provider).toBeUndefined();
    expect(deps.policySources).toEqual({});
    expect(await readdir(dir)).toEqual([]);

    await deps.auditSigner!.publicKey();
    expect(await readdir(dir)).toEqual(['key.pem']);
    expect((await deps.config.effective(WS)).versions).toEqual({});
    expect(logger.entries.map((e) => e.msg)).toContain('store opened');
    await deps.close();
  });

  it('closes the store it opened, once; later calls fail instead of opening it again', async () => {
    const deps = createDeps(config(), { logger: silentLogger() });
    await deps.store.ping();
    await Promise.all([deps.close(), deps.close()]);
    await expect(deps.store.ping()).rejects.toThrow('the store is closed');
    await expect(deps.config.effective(WS)).rejects.toThrow('the configuration service is closed');
  });

  it('closing before anything was used opens nothing', async () => {
    const deps = createDeps(config(), { logger: silentLogger() });
    await deps.close();
    expect(await readdir(dir)).toEqual([]);
  });

  describe('with a store passed in', () => {
    let opened: OpenedStore;
    beforeEach(async () => {
      opened = await sqliteBackend.open();
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('uses it and leaves it open on close', async () => {
      const deps = createDeps(config(), { logger: silentLogger(), store: opened.store });
      expect(deps.store).toBe(opened.store);
      expect((await deps.config.effective(WS)).versions).toEqual({});
      await deps.close();
      await expect(opened.store.ping()).resolves.toBeUndefined();
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('leaves out an optional part given as undefined, and names only configured policy sources', () => {
    const deps = createDeps(config(), { logger: silentLogger(), auditSigner: undefined });
    expect(deps.auditSigner).toBeUndefined();
    const withDir = createDeps(testConfig({ GF_POLICY_DIR: dir }), { logger: silentLogger() });
    expect(Object.keys(withDir.policySources ?? {})).toEqual(['file']);
    expect(withDir.policySources?.file?.kind).toBe('file');
  });
});
