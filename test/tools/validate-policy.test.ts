import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { POLICY_FILE_PATH } from '../../src/governance/config/policy-file.js';
import { createOctokit } from '../../src/github/octokit.js';
import { createGitHubPolicySource } from '../../src/github/policy-source.js';
import { createFilePolicySource } from '../../src/store/files/policy-file-source.js';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator/server.js';
import { useClient, WS } from '../helpers/mcp.js';

const c = useClient();
const text = (yaml: string) => ({ source: { kind: 'text', yaml } });
const VALID = 'generation:\n  maxFeaturesPerEpic: 5\n';
const CHANGE = { path: 'generation.maxFeaturesPerEpic', old: 8, new: 5 };

describe('validate_policy', () => {
  it('accepts a valid file and lists what it changes from the defaults', async () => {
    expect(await c().ok('validate_policy', text(VALID))).toEqual({
      ok: true,
      issues: [],
      changes: [CHANGE],
      effective: { ...DEFAULT_CONFIG, generation: { ...DEFAULT_CONFIG.generation, maxFeaturesPerEpic: 5 } },
    });
  });

  it('accepts an empty file: the effective configuration is the defaults', async () => {
    expect(await c().ok('validate_policy', text('# nothing yet\n'))).toEqual({
      ok: true,
      issues: [],
      changes: [],
      effective: DEFAULT_CONFIG,
    });
  });

  it.each([
    {
      name: 'a YAML syntax error',
      yaml: 'generation:\n  maxFeaturesPerEpic: [5\n',
      line: expect.any(Number),
    },
    {
      name: 'an unknown key',
      yaml: 'generation:\n  maxFeaturesPerEpik: 5\n',
      line: 2,
      path: 'generation.maxFeaturesPerEpik',
    },
    {
      name: 'a value out of bounds',
      yaml: 'generation:\n  maxFeaturesPerEpic: -3\n',
      line: 2,
      path: 'generation.maxFeaturesPerEpic',
    },
  ])('reports $name with its line and changes nothing', async ({ yaml, line, path }) => {
    const before = await c().auditSeq();
    const r = await c().ok('validate_policy', text(yaml));
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ line, ...(path ? { path } : {}) });
    expect(await c().auditSeq()).toBe(before);
  });

  it('refuses a file over the size limit as bad input', async () => {
    expect(await c().err('validate_policy', text(`# ${'x'.repeat(270_000)}\n`))).toBe('POLICY.TOO_LARGE');
  });

  it.each([
    { name: 'no source', args: {}, path: 'source' },
    { name: 'a bare yaml field', args: { yaml: VALID }, path: 'source' },
    { name: 'a file source without workspace', args: { source: { kind: 'file' } }, path: 'workspace' },
    { name: 'a github source without workspace', args: { source: { kind: 'github' } }, path: 'workspace' },
    {
      name: 'a ref with ..',
      args: { source: { kind: 'github', ref: 'a..b' }, workspace: WS },
      path: 'source.ref',
    },
    { name: 'an unknown source', args: { source: { kind: 'gitlab' }, workspace: WS }, path: 'source.kind' },
  ])('refuses $name as INPUT.INVALID naming $path', async ({ args, path }) => {
    const f = await c().failure('validate_policy', args);
    expect(f.code).toBe('INPUT.INVALID');
    expect((f.details?.issues as { path: string }[]).map((i) => i.path)).toContain(path);
  });

  it.each([
    { kind: 'file', variable: 'GF_POLICY_DIR' },
    { kind: 'github', variable: 'GITHUB_TOKEN' },
  ])('says which variable to set when the $kind source is not configured', async ({ kind, variable }) => {
    const f = await c().failure('validate_policy', { source: { kind }, workspace: WS });
    expect(f.code).toBe('POLICY.SOURCE_NOT_CONFIGURED');
    expect(f.hint).toContain(variable);
    expect(f.details).toMatchObject({ source: kind, variable });
  });
});

describe('validate_policy from local checkouts (GF_POLICY_DIR)', () => {
  let root: string;
  let outside: string;
  const put = async (rel: string, content: string | Buffer) => {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return realpath(file);
  };
  const fromFile = (workspace = WS) => ({ source: { kind: 'file' }, workspace });

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'gf-policy-')));
    outside = await realpath(await mkdtemp(path.join(tmpdir(), 'gf-outside-')));
    await writeFile(path.join(outside, 'governance.yml'), VALID);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await rm(root, { recursive: true, force: true });
    await mkdir(root);
    c().deps.policySources = { file: createFilePolicySource({ dir: root }) };
  });

  it.each([
    { layout: '<dir>/<owner>/<repo>', rel: `acme/web/${POLICY_FILE_PATH}` },
    { layout: '<dir>/<repo>', rel: `web/${POLICY_FILE_PATH}` },
  ])('reads the checkout laid out as $layout and diffs it against the workspace', async ({ rel }) => {
    const location = await put(rel, VALID);
    expect(await c().ok('validate_policy', fromFile())).toEqual({
      ok: true,
      origin: { kind: 'file', location },
      issues: [],
      changes: [CHANGE],
      comparedWith: { workspace: WS, versions: { org: null, repo: null } },
      effective: expect.objectContaining({ generation: expect.objectContaining({ maxFeaturesPerEpic: 5 }) }),
    });
  });

  it('prefers <owner>/<repo> over a same-named repository of the flat layout', async () => {
    const mine = await put(`acme/web/${POLICY_FILE_PATH}`, VALID);
    await put(`web/${POLICY_FILE_PATH}`, 'generation:\n  maxFeaturesPerEpic: 2\n');
    expect((await c().ok('validate_policy', fromFile())).origin.location).toBe(mine);
  });

  it('reports the problems of the file with their lines', async () => {
    await put(`acme/web/${POLICY_FILE_PATH}`, '# policy\ngeneration:\n  maxFeaturesPerEpik: 5\n');
    const r = await c().ok('validate_policy', fromFile());
    expect(r).toMatchObject({ ok: false, origin: { kind: 'file' } });
    expect(r.issues[0]).toMatchObject({ line: 3, path: 'generation.maxFeaturesPerEpik' });
  });

  it('says where to create the file when there is none', async () => {
    const f = await c().failure('validate_policy', fromFile());
    expect(f.code).toBe('POLICY.NOT_FOUND');
    expect(f.hint).toContain(`<GF_POLICY_DIR>/acme/web/${POLICY_FILE_PATH}`);
  });

  it('never reads above the directory: a ".." repository is refused', async () => {
    await put(POLICY_FILE_PATH, VALID); // <dir>/acme/.. would land here
    expect(await c().err('validate_policy', fromFile('acme/..'))).toBe('WORKSPACE.INVALID');
  });

  it.each([
    {
      name: 'the file links outside',
      link: `acme/web/${POLICY_FILE_PATH}`,
      to: () => path.join(outside, 'governance.yml'),
    },
    { name: 'the checkout links outside', link: 'acme/web', to: () => outside },
  ])('refuses a policy file when $name', async ({ link, to }) => {
    await mkdir(path.join(outside, '.github'), { recursive: true });
    await writeFile(path.join(outside, POLICY_FILE_PATH), VALID);
    await mkdir(path.dirname(path.join(root, link)), { recursive: true });
    await symlink(to(), path.join(root, link));
    const f = await c().failure('validate_policy', fromFile());
    expect({ code: f.code, reason: f.details?.reason }).toEqual({
      code: 'POLICY.UNREADABLE',
      reason: 'outside',
    });
  });

  it('follows a link that stays inside the directory', async () => {
    const target = await put('shared/governance.yml', VALID);
    await mkdir(path.join(root, 'acme/web/.github'), { recursive: true });
    await symlink(target, path.join(root, 'acme/web', POLICY_FILE_PATH));
    expect((await c().ok('validate_policy', fromFile())).origin.location).toBe(target);
  });

  it('refuses a huge file from its size, without reading it', async () => {
    const file = path.join(root, 'acme/web', POLICY_FILE_PATH);
    await mkdir(path.dirname(file), { recursive: true });
    const h = await open(file, 'w');
    await h.truncate(2 ** 32); // sparse: 4 GiB that a full read could not even hold in one Buffer
    await h.close();
    const f = await c().failure('validate_policy', fromFile());
    expect(f.code).toBe('POLICY.TOO_LARGE');
    expect(f.details?.bytes).toBe(2 ** 32);
  });

  it.each([
    {
      name: 'a file that is not UTF-8',
      rel: `acme/web/${POLICY_FILE_PATH}`,
      content: Buffer.from([0x23, 0xe9, 0x0a]),
      reason: 'encoding',
    },
    { name: 'a directory', rel: `acme/web/${POLICY_FILE_PATH}/x`, content: VALID, reason: 'not_a_file' },
  ])('refuses $name as POLICY.UNREADABLE', async ({ rel, content, reason }) => {
    await put(rel, content);
    const f = await c().failure('validate_policy', fromFile());
    expect({ code: f.code, reason: f.details?.reason }).toEqual({ code: 'POLICY.UNREADABLE', reason });
  });

  it('reports a GF_POLICY_DIR that does not exist as a configuration problem', async () => {
    c().deps.policySources = { file: createFilePolicySource({ dir: path.join(root, 'nope') }) };
    const f = await c().failure('validate_policy', fromFile());
    expect(f.code).toBe('POLICY.SOURCE_NOT_CONFIGURED');
    expect(f.hint).toContain('GF_POLICY_DIR');
  });
});

describe('validate_policy from GitHub (emulator)', () => {
  const TOKEN = 'ghp_tool_test';
  let gh: GitHubEmulator;
  const connect = (token = TOKEN) => {
    c().deps.policySources = {
      github: createGitHubPolicySource(createOctokit({ token, baseUrl: gh.url, backoffUnitMs: 1 })),
    };
  };

  beforeAll(async () => {
    gh = await startGitHubEmulator({ tokens: [TOKEN] });
    gh.putFile(WS, POLICY_FILE_PATH, VALID);
    gh.putFile(WS, POLICY_FILE_PATH, 'generation:\n  maxFeaturesPerEpik: 5\n', 'broken');
  });
  afterAll(() => gh.close());
  beforeEach(() => gh.reset());

  it('validates the file of the default branch and diffs it against the stored configuration', async () => {
    connect();
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      expectedVersion: 0,
      reason: 'test',
      override: { generation: { maxFeaturesPerEpic: 6 } },
    });
    const before = await c().auditSeq();
    expect(await c().ok('validate_policy', { source: { kind: 'github' }, workspace: WS })).toEqual({
      ok: true,
      origin: { kind: 'github', location: `${gh.url}/${WS}/blob/HEAD/${POLICY_FILE_PATH}` },
      issues: [],
      changes: [{ path: 'generation.maxFeaturesPerEpic', old: 6, new: 5 }],
      comparedWith: { workspace: WS, versions: { org: null, repo: 1 } },
      effective: expect.objectContaining({ generation: expect.objectContaining({ maxFeaturesPerEpic: 5 }) }),
    });
    expect(await c().auditSeq()).toBe(before);
  });

  it('reads the ref asked for and reports its problems with lines', async () => {
    connect();
    const r = await c().ok('validate_policy', { source: { kind: 'github', ref: 'broken' }, workspace: WS });
    expect(r).toMatchObject({ ok: false, origin: { kind: 'github', ref: 'broken' } });
    expect(r.issues[0]).toMatchObject({ line: 2, path: 'generation.maxFeaturesPerEpik' });
  });

  it.each([
    {
      name: 'a missing file',
      setup: () => connect(),
      workspace: 'acme/empty',
      code: 'POLICY.NOT_FOUND',
      hint: /Commit/,
    },
    {
      name: 'a bad token',
      setup: () => connect('ghp_bad'),
      workspace: WS,
      code: 'GITHUB.UNAUTHORIZED',
      hint: /GITHUB_TOKEN/,
    },
    {
      name: 'an exhausted rate limit',
      setup: () => {
        connect();
        gh.rateLimit = { limit: 60, remaining: 0, reset: Math.floor(Date.now() / 1000) + 900 };
      },
      workspace: WS,
      code: 'GITHUB.RATE_LIMITED',
      hint: /Retry after/,
    },
  ])('answers $name with $code and a hint', async ({ setup, workspace, code, hint }) => {
    setup();
    const f = await c().failure('validate_policy', { source: { kind: 'github' }, workspace });
    expect(f.code).toBe(code);
    expect(f.hint).toMatch(hint);
  });
});
