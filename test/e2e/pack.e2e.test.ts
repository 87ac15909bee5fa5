/**
 * The package as MCP users get it: `npm pack`, the tarball unpacked into an empty folder's
 * node_modules, its bin run from there (`--version`, `stdio` answering tools/list and a write).
 *
 * Its runtime dependencies are linked from the checkout's node_modules, one link per name in the
 * packed package.json's `dependencies`, instead of `npm install <tarball>`: that would compile
 * better-sqlite3 from source here (about 90 s). Nothing else is reachable from the unpacked
 * folder, so a file missing from `files` or an undeclared dependency still fails the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../helpers/tool-names.js';
import { callOk, cleanEnv, requireBuild, ROOT, tempDir } from '../helpers/spawn-server.js';

interface PackedFile {
  path: string;
}

describe('the packed package', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let files: string[];
  let pkgDir: string;
  let bin: string;
  let verifier: string;
  let version: string;

  beforeAll(async () => {
    requireBuild();
    tmp = await tempDir('gf-pack-');
    const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp.dir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: PackedFile[] }[];
    if (!info) throw new Error(`npm pack printed no package:\n${packed.stdout}`);
    files = info.files.map((f) => f.path);

    const app = path.join(tmp.dir, 'app');
    pkgDir = path.join(app, 'node_modules', 'governance-factory');
    await mkdir(pkgDir, { recursive: true });
    const untar = spawnSync(
      'tar',
      ['-xzf', path.join(tmp.dir, info.filename), '-C', pkgDir, '--strip-components=1'],
      {
        encoding: 'utf8',
      },
    );
    if (untar.status !== 0) throw new Error(`tar failed:\n${untar.stderr}`);

    const manifest = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as {
      version: string;
      bin: Record<string, string>;
      dependencies: Record<string, string>;
    };
    version = manifest.version;
    bin = path.join(pkgDir, manifest.bin['governance-factory'] ?? 'missing-bin');
    verifier = path.join(pkgDir, manifest.bin['governance-factory-verify-audit'] ?? 'missing-bin');
    for (const dep of Object.keys(manifest.dependencies)) {
      const link = path.join(app, 'node_modules', dep);
      await mkdir(path.dirname(link), { recursive: true });
      await symlink(path.join(ROOT, 'node_modules', dep), link, 'dir');
    }
  }, 90_000);
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('ships the bundle, README, LICENSE and CHANGELOG, and no sources or tests', () => {
    for (const f of [
      'package.json',
      'dist/governance-factory.js',
      'dist/verify-audit-export.mjs',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
  });

  it('ships the audit export verifier as a second bin that runs on plain Node', async () => {
    expect((await readFile(verifier, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    const r = spawnSync(process.execPath, [verifier], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: verify-audit-export/);
  });

  it('has a node shebang on the bin and prints the version', async () => {
    expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    const r = spawnSync(process.execPath, [bin, '--version'], {
      cwd: path.dirname(pkgDir),
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.status).toBe(0);
  });

  it('serves stdio from the unpacked files: lists every tool and writes to its own store', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'stdio'],
      env: { GF_DATA_DIR: path.join(tmp.dir, 'data') },
      stderr: 'pipe',
      cwd: path.join(tmp.dir, 'app'),
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const client = new Client({ name: 'e2e-pack', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS);
      // Opens the SQLite store, so the native driver resolves from the unpacked folder too.
      const { item } = await callOk<{ item: { id: string } }>(client, 'create_item', {
        workspace: 'acme/web',
        type: 'epic',
        title: 'Packed',
      });
      expect(item.id).toBe('E-1');
    } catch (e) {
      throw new Error(`${(e as Error).message}\nserver stderr:\n${stderr}`, { cause: e });
    } finally {
      await client.close();
    }
  });
});
