/**
 * The adapters that load on first use, in the BUILT bundle: the OpenAI-compatible provider against
 * a scripted endpoint, and the GitHub policy source against the GitHub API emulator. Catches what
 * in-process tests cannot: configuration parsing, lazy wiring in main.ts and bundling.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_FILE_PATH } from '../../src/governance/config/policy-file.js';
import { CHECKOUT_MODEL_ANSWER, CHECKOUT_SPEC } from '../fixtures/checkout-spec.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { fakeOpenAi, type FakeOpenAi } from '../helpers/fake-openai.js';
import { BIN, callOk, cleanEnv, connectStdio, requireBuild, tempDir } from '../helpers/spawn-server.js';

const WS = 'acme/web';

describe('built server with a model provider and GitHub configured', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let llm: FakeOpenAi;
  let gh: GitHubEmulator;

  beforeAll(async () => {
    requireBuild();
    data = await tempDir();
    llm = await fakeOpenAi({
      'broken-model': [{ status: 500, body: { error: { message: 'down' } } }],
      'good-model': [{ answer: JSON.stringify(CHECKOUT_MODEL_ANSWER) }],
    });
    gh = await startGitHubEmulator({ tokens: ['e2e-token'] });
    gh.putFile(WS, POLICY_FILE_PATH, 'generation:\n  maxFeaturesPerEpic: 3\n');
  });
  afterAll(async () => {
    await llm?.close();
    await gh?.close();
    await data?.cleanup();
  });

  it('plans with the second model of the chain when the first fails, and reads the policy from GitHub', async () => {
    const s = await connectStdio({
      env: {
        GF_DATA_DIR: data.dir,
        OPENAI_BASE_URL: llm.baseUrl,
        OPENAI_API_KEY: 'sk-e2e',
        GF_MODEL_PLANNING: 'broken-model,good-model',
        GF_MODEL_TIMEOUT_MS: '5000',
        GITHUB_TOKEN: 'e2e-token',
        GITHUB_API_URL: gh.url,
      },
    });
    try {
      const plan = await callOk(s.client, 'decompose_spec', { text: CHECKOUT_SPEC, asOf: '2027-02-10' });
      expect(plan.generation).toMatchObject({ method: 'provider', model: 'good-model', fallback: null });
      expect(llm.requests.map((r) => r.model)).toEqual(['broken-model', 'good-model']);
      expect(llm.requests.every((r) => r.authorization === 'Bearer sk-e2e')).toBe(true);
      expect(plan.items.map((i: { title: string }) => i.title)).toContain(
        'Send the receipt when a payment settles',
      );

      const policy = await callOk(s.client, 'validate_policy', { source: { kind: 'github' }, workspace: WS });
      expect(policy).toMatchObject({
        ok: true,
        origin: { kind: 'github' },
        changes: [{ path: 'generation.maxFeaturesPerEpic', new: 3 }],
      });
      expect(gh.requests.some((r) => r.path.includes(POLICY_FILE_PATH))).toBe(true);
      expect(s.stderr()).not.toContain('sk-e2e');
    } finally {
      await s.close();
    }
  });

  it('refuses to start when a model is named without a base URL, naming the variable', () => {
    const r = spawnSync(process.execPath, [BIN, 'stdio'], {
      env: cleanEnv({ GF_DATA_DIR: data.dir, GF_MODEL_PLANNING: 'some-model', OPENAI_API_KEY: 'sk-secret' }),
      input: '',
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('OPENAI_BASE_URL');
    expect(r.stderr).not.toContain('sk-secret');
    expect(r.stdout).toBe('');
  });
});
