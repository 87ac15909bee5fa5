/**
 * GitHub App installations on the emulator: the project's Octokit with app credentials mints an
 * installation token (RS256 JWT checked against the seeded public key) and writes as the app's bot.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import { client } from './emulator/client.js';
import { DEFAULT_SEED } from './emulator/seed.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
let gh: GitHubEmulator;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  gh = await startGitHubEmulator({
    seed: {
      ...DEFAULT_SEED,
      apps: [
        {
          id: 42,
          slug: 'governance',
          publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          installations: [{ id: 7, account: 'acme', permissions: { issues: 'write', metadata: 'read' } }],
        },
      ],
    },
  });
});
afterAll(() => gh?.close());

describe('GitHub emulator: app installation tokens', () => {
  it('mints an installation token for a signed JWT and acts as the app bot', async () => {
    const octokit = createOctokit({
      app: { appId: 42, privateKey, installationId: 7 },
      baseUrl: gh.url,
      backoffUnitMs: 1,
      log: silent,
    });
    const made = await octokit.rest.issues.create({ owner: 'acme', repo: 'web', title: 'from the app' });
    expect(made.data.user?.login).toBe('governance[bot]');
    const minted = gh.requests.find((r) => r.route === 'apps/create-installation-access-token');
    expect(minted?.status).toBe(201);
    const token = [...gh.state.tokens.values()].find((t) => t.user.login === 'governance[bot]')!;
    expect(token.token).toMatch(/^ghs_/);
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    // The installation may write issues but not create issue types.
    const types = await client(gh.url, token.token).post('/orgs/acme/issue-types', {
      name: 'X',
      is_enabled: true,
    });
    expect(types.status).toBe(403);
  });

  it('refuses a JWT signed by another key, and an unknown installation', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    });
    const forged = createOctokit({
      app: { appId: 42, privateKey: other.toString(), installationId: 7 },
      baseUrl: gh.url,
      backoffUnitMs: 1,
      log: silent,
    });
    await expect(
      forged.rest.issues.get({ owner: 'acme', repo: 'web', issue_number: 1 }),
    ).rejects.toMatchObject({ status: 401 });
    const lost = createOctokit({
      app: { appId: 42, privateKey, installationId: 99 },
      baseUrl: gh.url,
      backoffUnitMs: 1,
      log: silent,
    });
    await expect(lost.rest.issues.get({ owner: 'acme', repo: 'web', issue_number: 1 })).rejects.toMatchObject(
      { status: 404 },
    );
  });
});
