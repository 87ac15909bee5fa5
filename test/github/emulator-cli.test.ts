/** The emulator's command line: a seed file, a time scale, its base URL on stdout. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';

describe('GitHub emulator CLI', () => {
  it('loads a seed, prints its base URL and serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-emu-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        owners: [{ login: 'globex', type: 'Organization' }, { login: 'homer' }],
        repositories: [{ owner: 'globex', name: 'plant' }],
        issueTypes: { globex: [{ name: 'Epic', color: 'purple' }] },
        tokens: [
          { token: 'ghp_seeded', login: 'homer', permissions: { issues: 'write', issue_types: 'read' } },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/github/emulator/cli.ts', '--port', '0', '--seed', seed, '--time-scale', '60'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const cli = client(line, 'ghp_seeded');
      expect((await cli.get('/orgs/globex/issue-types')).body).toMatchObject([
        { name: 'Epic', color: 'purple' },
      ]);
      expect((await cli.post('/repos/globex/plant/issues', { title: 'x', type: 'Epic' })).status).toBe(201);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
