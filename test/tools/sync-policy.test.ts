/** sync_policy: a repository's policy file becomes its repo override, through update_config's path. */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POLICY_FILE_PATH } from '../../src/governance/config/policy-file.js';
import { createOctokit } from '../../src/github/octokit.js';
import { createGitHubPolicySource } from '../../src/github/policy-source.js';
import { createFilePolicySource } from '../../src/store/files/policy-file-source.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { useClient, WS } from '../helpers/mcp.js';

const c = useClient();
const FILE = 'generation:\n  maxFeaturesPerEpic: 5\n';
const TOKEN = 'ghp_sync_test';

describe('sync_policy', () => {
  let root: string;
  let gh: GitHubEmulator;
  const putFile = async (content: string) => {
    const file = path.join(root, 'acme', 'web', POLICY_FILE_PATH);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return realpath(file);
  };

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'gf-sync-')));
    gh = await startGitHubEmulator({ tokens: [TOKEN] });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await gh.close();
  });
  beforeEach(async () => {
    await rm(path.join(root, 'acme'), { recursive: true, force: true });
    gh.reset();
    c().deps.policySources = {
      file: createFilePolicySource({ dir: root }),
      github: createGitHubPolicySource(createOctokit({ token: TOKEN, baseUrl: gh.url, backoffUnitMs: 1 })),
    };
  });

  it('previews by default, then stores the file as the repo override with its location in the audit', async () => {
    const location = await putFile(FILE);
    const seq = await c().auditSeq();
    const dry = await c().ok('sync_policy', { workspace: WS, source: { kind: 'file' } });
    expect(dry).toMatchObject({
      dryRun: true,
      changed: true,
      version: 0,
      origin: { kind: 'file', location },
      changes: [{ path: 'generation.maxFeaturesPerEpic', old: 8, new: 5 }],
    });
    expect(await c().auditSeq()).toBe(seq);

    const real = await c().ok('sync_policy', { workspace: WS, source: { kind: 'file' }, dryRun: false });
    expect(real).toMatchObject({ dryRun: false, changed: true, version: 1, previousVersion: 0 });
    expect(real.changes).toEqual(dry.changes);
    const got = await c().ok('get_config', { workspace: WS, section: 'generation' });
    expect(got.config.generation.maxFeaturesPerEpic).toBe(5);
    const [record] = await c().auditAfter(seq);
    expect(record).toMatchObject({ action: 'config.updated', tool: 'sync_policy' });
    expect(record!.reason).toContain(location);

    // The same file again changes nothing and audits nothing.
    const again = await c().ok('sync_policy', { workspace: WS, source: { kind: 'file' }, dryRun: false });
    expect(again).toMatchObject({ changed: false, version: 1 });
    expect(await c().auditSeq()).toBe(seq + 1);
  });

  it('reads GitHub at a ref and checks the expected version', async () => {
    gh.putFile(WS, POLICY_FILE_PATH, 'generation:\n  maxTasksPerFeature: 4\n', 'policy-v2');
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      override: { milestones: { autoCreate: true } },
      reason: 'test',
    });
    const stale = await c().failure('sync_policy', {
      workspace: WS,
      source: { kind: 'github', ref: 'policy-v2' },
      expectedVersion: 0,
      dryRun: false,
    });
    expect(stale).toMatchObject({ code: 'CONFIG.VERSION_CONFLICT', details: { currentVersion: 1 } });
    const r = await c().ok('sync_policy', {
      workspace: WS,
      source: { kind: 'github', ref: 'policy-v2' },
      expectedVersion: 1,
      dryRun: false,
    });
    expect(r).toMatchObject({ version: 2, origin: { kind: 'github', ref: 'policy-v2' } });
    expect((await c().ok('get_config', { workspace: WS })).config.generation.maxTasksPerFeature).toBe(4);
  });

  it.each([
    {
      name: 'a YAML syntax error',
      content: 'generation:\n  maxFeaturesPerEpic: [5\n',
      code: 'POLICY.YAML_SYNTAX',
    },
    {
      name: 'an unknown key',
      content: 'generation:\n  maxFeaturesPerEpik: 5\n',
      code: 'CONFIG.INVALID',
      line: 2,
    },
  ])('refuses $name with its line, storing nothing', async ({ content, code, line }) => {
    await putFile(content);
    const f = await c().failure('sync_policy', { workspace: WS, source: { kind: 'file' }, dryRun: false });
    expect(f.code).toBe(code);
    if (line) expect((f.details?.issues as { line: number }[])[0]!.line).toBe(line);
    expect(await c().auditSeq()).toBe(0);
    expect((await c().ok('get_config', { workspace: WS })).versions.repo).toBeNull();
  });

  it('refuses a missing file and an unconfigured source, naming what to do', async () => {
    expect((await c().failure('sync_policy', { workspace: WS, source: { kind: 'file' } })).code).toBe(
      'POLICY.NOT_FOUND',
    );
    c().deps.policySources = {};
    const f = await c().failure('sync_policy', { workspace: WS, source: { kind: 'github' } });
    expect(f).toMatchObject({ code: 'POLICY.SOURCE_NOT_CONFIGURED', details: { variable: 'GITHUB_TOKEN' } });
  });
});
