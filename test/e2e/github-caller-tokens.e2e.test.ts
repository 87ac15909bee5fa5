/**
 * A GitHub token per caller on the built server over streamable HTTP, against the emulator: two
 * bearer identities (GF_AUTH_TOKENS) each mapped to its own GitHub token (GF_GITHUB_TOKENS), no
 * GITHUB_TOKEN. Every write of an apply carries its caller's token and nobody else's, the issues it
 * creates are authored by that caller's GitHub user, and a caller with no mapping gets
 * GITHUB.NOT_CONFIGURED.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/governance/github-sync/marker.js';
import { DEFAULT_SEED, FULL_ACCESS } from '../github/emulator/seed.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import {
  callOk,
  connectHttp,
  requireBuild,
  startHttp,
  tempDir,
  type HttpServerProcess,
} from '../helpers/spawn-server.js';

const WS = 'acme/tokens';
const BEARER = {
  alice: 'e2e-alice-bearer-0123456789',
  bob: 'e2e-bob-bearer-0123456789',
  carol: 'e2e-carol-bearer-0123456789',
};
const GITHUB = { alice: 'ghp_alice_e2e', bob: 'ghp_bob_e2e' };
const LOGIN = { alice: 'alice-gh', bob: 'bob-gh' };

const SPEC = '# Token shop\n\n## Checkout\n\n- Build the cart\n- Build the payment form\n';

let gh: GitHubEmulator;
let data: Awaited<ReturnType<typeof tempDir>>;
let server: HttpServerProcess;
const clients: Client[] = [];

beforeAll(async () => {
  requireBuild();
  gh = await startGitHubEmulator({
    seed: {
      ...DEFAULT_SEED,
      repositories: [{ owner: 'acme', name: 'tokens' }],
      tokens: [
        { token: GITHUB.alice, login: LOGIN.alice, permissions: FULL_ACCESS },
        { token: GITHUB.bob, login: LOGIN.bob, permissions: FULL_ACCESS },
      ],
    },
    timeScale: 600,
  });
  data = await tempDir('gf-tokens-');
  server = await startHttp({
    env: {
      GF_DATA_DIR: data.dir,
      GF_AUTH_TOKENS: [
        `${BEARER.alice}=user|user:alice|Alice`,
        `${BEARER.bob}=user|user:bob|Bob`,
        `${BEARER.carol}=user|user:carol|Carol`,
      ].join('; '),
      GF_GITHUB_TOKENS: `user:alice=${GITHUB.alice}; user:bob=${GITHUB.bob}`,
      GITHUB_API_URL: gh.url,
      GITHUB_WRITE_INTERVAL_MS: '0',
    },
  });
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await server?.stop('SIGKILL');
  await gh?.close();
  await data?.cleanup();
});

async function as(who: keyof typeof BEARER): Promise<Client> {
  const c = await connectHttp(server.url, { Authorization: `Bearer ${BEARER[who]}` }, `e2e-${who}`);
  clients.push(c);
  return c;
}

const tokenOf = (r: GitHubEmulator['requests'][number]) =>
  (r.headers.authorization ?? '').replace(/^(token|bearer) /i, '');

/** Plans and applies the workspace as `client`; returns the emulator requests the apply made. */
async function planAndApply(client: Client) {
  const from = gh.requests.length;
  const { planId } = await callOk(client, 'plan_github_sync', { workspace: WS });
  const applied = await callOk(client, 'apply_github_sync', { workspace: WS, planId, dryRun: false });
  expect(applied.remainingWrites).toBe(0);
  const requests = gh.requests.slice(from);
  return { applied, requests, writes: requests.filter((r) => r.creates > 0) };
}

const issueOf = (itemId: string) =>
  gh.state.repo('acme', 'tokens').issues.find((i) => parseMarker(i.body)?.itemId === itemId);

describe('GF_GITHUB_TOKENS over HTTP', () => {
  it("writes each caller's apply with its own GitHub token, as its own GitHub user", async () => {
    const alice = await as('alice');
    await callOk(alice, 'apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
    const first = await planAndApply(alice);
    expect(first.applied.created.length).toBeGreaterThan(0);
    expect(first.writes.length).toBeGreaterThanOrEqual(first.applied.created.length);
    expect(new Set(first.writes.map(tokenOf))).toEqual(new Set([GITHUB.alice]));
    // Not one request of alice's apply, read or write, went out with bob's token.
    expect(first.requests.filter((r) => tokenOf(r) === GITHUB.bob)).toEqual([]);
    const authors = first.applied.created.map((c: { itemId: string }) => issueOf(c.itemId)?.author.login);
    expect(authors).toEqual(first.applied.created.map(() => LOGIN.alice));

    const bob = await as('bob');
    const { item } = await callOk(bob, 'create_item', { workspace: WS, type: 'epic', title: "Bob's epic" });
    const [firstCreated] = first.applied.created as { itemId: string }[];
    const existing = (await callOk(bob, 'get_item', { workspace: WS, id: firstCreated!.itemId })).item;
    await callOk(bob, 'update_item', {
      workspace: WS,
      id: existing.id,
      expectedVersion: existing.version,
      title: 'Renamed by Bob',
    });
    const second = await planAndApply(bob);
    expect(second.applied.created).toEqual([expect.objectContaining({ itemId: item.id })]);
    expect(second.applied.updated.map((u: { itemId: string }) => u.itemId)).toContain(existing.id);
    expect(new Set(second.writes.map(tokenOf))).toEqual(new Set([GITHUB.bob]));
    expect(second.requests.filter((r) => tokenOf(r) === GITHUB.alice)).toEqual([]);
    expect(issueOf(item.id)?.author.login).toBe(LOGIN.bob);
    // The issue alice made keeps its author; bob's token only edited it.
    expect(issueOf(existing.id)).toMatchObject({ title: 'Renamed by Bob', author: { login: LOGIN.alice } });
  });

  it('answers a caller without a GitHub token GITHUB.NOT_CONFIGURED, sending nothing to GitHub', async () => {
    const carol = await as('carol');
    const from = gh.requests.length;
    const r = (await carol.callTool({
      name: 'plan_github_sync',
      arguments: { workspace: WS },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(r._meta?.['governance-factory/error']).toMatchObject({
      code: 'GITHUB.NOT_CONFIGURED',
      hint: expect.stringContaining('GF_GITHUB_TOKENS'),
    });
    expect(gh.requests.length).toBe(from);
  });
});
