/** The emulator's webhook deliveries: GitHub's `issues` events, signed, checked with @octokit/webhooks. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks as OctokitWebhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './emulator/client.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const SECRET = 'hook-secret';
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(204).end();
  });
});
let gh: GitHubEmulator;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  gh = await startGitHubEmulator({ webhook: { url, secret: SECRET } });
});
afterAll(async () => {
  await gh?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('GitHub emulator: webhooks', () => {
  it('delivers issue changes made over REST and GraphQL, signed with the secret', async () => {
    const api = client(gh.url);
    const made = await api.post('/repos/acme/web/issues', { title: 'hooked' });
    await api.graphql(
      `mutation { closeIssue(input: { issueId: "${made.body.node_id}" }) { issue { state } } }`,
    );
    await gh.webhooks.settled();
    expect(gh.webhooks.deliveries.map((d) => [d.event, d.action, d.status])).toEqual([
      ['issues', 'opened', 204],
      ['issues', 'closed', 204],
    ]);
    const verifier = new OctokitWebhooks({ secret: SECRET });
    for (const r of received) {
      expect(r.headers['x-github-event']).toBe('issues');
      expect(await verifier.verify(r.body, String(r.headers['x-hub-signature-256']))).toBe(true);
      expect(await verifier.verify(`${r.body} `, String(r.headers['x-hub-signature-256']))).toBe(false);
    }
    const payloads = received.map((r) => JSON.parse(r.body));
    expect(payloads[1]).toMatchObject({
      action: 'closed',
      issue: { number: made.body.number, state: 'closed', state_reason: 'completed' },
      repository: { full_name: 'acme/web' },
      sender: { login: 'octocat' },
    });
  });
});
