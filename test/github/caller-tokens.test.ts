/**
 * A GitHub token per caller (GF_GITHUB_TOKENS), through the deps main.ts builds, against the
 * emulator over real HTTP: each mapped caller's requests carry its own token, a caller without one
 * falls back to GITHUB_TOKEN, and without a default an unmapped caller gets GITHUB.NOT_CONFIGURED.
 * The setting's parse errors name the entry, never the secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { createDeps } from '../../src/composition/create-deps.js';
import type { Caller } from '../../src/governance/ports/caller.js';
import { planGitHubSync } from '../../src/governance/use-cases/github-sync.js';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { silentLogger, testConfig } from '../helpers/mcp.js';
import { sqliteBackend, type OpenedStore } from '../helpers/store-backends.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

let gh: GitHubEmulator;
let opened: OpenedStore;

const caller = (id: string): Caller => ({
  actor: { type: 'user', id, name: id },
  client: null,
  tool: 'plan_github_sync',
  correlationId: 'c-1',
});

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: ['ghp_alice', 'ghp_bob', 'ghp_server'], timeScale: 600 });
  gh.state.repository('acme', 'tokens');
  opened = await sqliteBackend.open();
});
afterAll(async () => {
  await opened?.cleanup();
  await gh?.close();
});

const tokensSeen = (from: number) =>
  new Set(
    gh.requests.slice(from).map((r) => (r.headers.authorization ?? '').replace(/^(token|bearer) /i, '')),
  );

async function withDeps(
  env: Record<string, string>,
  run: (deps: ReturnType<typeof createDeps>) => Promise<void>,
) {
  const deps = createDeps(testConfig({ GITHUB_API_URL: gh.url, GITHUB_WRITE_INTERVAL_MS: '0', ...env }), {
    store: opened.store,
    logger: silentLogger(),
  });
  try {
    await run(deps);
  } finally {
    await deps.close();
  }
}

describe('GF_GITHUB_TOKENS', () => {
  it("sends each mapped caller's requests with its own token, others with the default", async () => {
    await withDeps(
      { GF_GITHUB_TOKENS: 'user:alice=ghp_alice; user:bob=ghp_bob', GITHUB_TOKEN: 'ghp_server' },
      async (deps) => {
        for (const [who, token] of [
          ['user:alice', 'ghp_alice'],
          ['user:bob', 'ghp_bob'],
          ['user:carol', 'ghp_server'],
        ] as const) {
          const from = gh.requests.length;
          await planGitHubSync(deps, 'acme/tokens', DEFAULT_CONFIG, caller(who));
          expect(gh.requests.length).toBeGreaterThan(from);
          expect(tokensSeen(from)).toEqual(new Set([token]));
        }
      },
    );
  });

  it('refuses an unmapped caller with GITHUB.NOT_CONFIGURED when there is no default', async () => {
    await withDeps({ GF_GITHUB_TOKENS: 'user:alice=ghp_alice' }, async (deps) => {
      const from = gh.requests.length;
      await planGitHubSync(deps, 'acme/tokens', DEFAULT_CONFIG, caller('user:alice'));
      expect(tokensSeen(from)).toEqual(new Set(['ghp_alice']));
      await expect(
        planGitHubSync(deps, 'acme/tokens', DEFAULT_CONFIG, caller('user:bob')),
      ).rejects.toMatchObject({
        code: 'GITHUB.NOT_CONFIGURED',
      });
    });
  });

  it('names the bad entry, never its token', () => {
    let err: unknown;
    try {
      testConfig({ GF_GITHUB_TOKENS: 'user:alice=ghp_alice;ghp_secret_without_actor' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('entry 2');
    expect((err as Error).message).not.toContain('ghp_secret');
  });
});
