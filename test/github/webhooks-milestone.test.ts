/**
 * Milestone webhooks and late echoes end to end: the emulator delivers signed webhooks, through a
 * relay that keeps each one (to send it again, or to hold it back), to the server's HTTP
 * transport. A milestone renamed, given another due date, closed and deleted on GitHub by another
 * user: the local milestone follows (the deletion is recorded, not made), each change is audited
 * as `github.drift` by that user and raises `compliance.drift`, a delivery sent twice is applied
 * once, and the next plan writes nothing the webhook already applied. The echo of the server's
 * own write that arrives after a newer local change overwrites nothing and is no drift.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpConfig } from '../../src/config/config.js';
import type { DomainEvent } from '../../src/governance/model/events.js';
import { githubIssueTracker } from '../../src/github/issue-tracker.js';
import { createOctokit } from '../../src/github/octokit.js';
import { serveHttp, type HttpHandle } from '../../src/transports/http.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { milestoneJson } from './emulator/rest/render.js';
import { FULL_ACCESS } from './emulator/seed.js';
import { startGitHubEmulator, type GitHubEmulator } from './emulator/server.js';

const SECRET = 'emulator-webhook-secret-milestones';
const SERVER_TOKEN = 'ghp_server';
const OTHER_TOKEN = 'ghp_hubot';
const SPEC = `# Milestones

## Checkout

- Pay by card
- Pay by invoice
- Pay by voucher
`;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** One delivery as the relay saw it, with the server's answer when it was passed on. */
interface Kept {
  id: string;
  event: string;
  action: string;
  headers: Record<string, string>;
  body: string;
  sender: string;
  outcome: string | null;
}

let gh: GitHubEmulator;
let c: Connected;
let http: HttpHandle;
let relay: Server;
let hook: string;
let holding = false;
const kept: Kept[] = [];
const held: Kept[] = [];
const events: DomainEvent[] = [];

const octokit = (token: string) =>
  createOctokit({ token, baseUrl: gh.url, backoffUnitMs: 1, writeIntervalMs: 0, log: silent });

/** Sends a kept delivery to the server as GitHub would (same headers, same signed body). */
async function deliver(d: Kept): Promise<string> {
  const res = await fetch(hook, { method: 'POST', headers: d.headers, body: d.body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { outcome: string }).outcome;
}

beforeAll(async () => {
  gh = await startGitHubEmulator({ tokens: [SERVER_TOKEN], timeScale: 600 });
  gh.state.addToken(OTHER_TOKEN, 'hubot', FULL_ACCESS);
  gh.state.repository('acme', 'miles');
  gh.state.repository('acme', 'echo');
  c = await connectClient({ github: githubIssueTracker(octokit(SERVER_TOKEN)) });
  c.deps.bus.subscribe((e) => {
    events.push(e);
  });
  const cfg: HttpConfig = {
    host: '127.0.0.1',
    port: 0,
    authToken: 'mcp-bearer-token',
    identities: [],
    allowedOrigins: [],
    allowedHosts: [],
    sessionIdleSeconds: 1800,
    maxBodyBytes: 1024 * 1024,
    maxSessions: 10,
    webhookSecret: SECRET,
  };
  http = await serveHttp({ ...c.deps, close: async () => undefined }, {}, cfg, c.logger);
  hook = http.url.replace(/\/mcp$/, '/webhooks/github');
  relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'x-github-event', 'x-github-delivery', 'x-hub-signature-256'])
        headers[h] = String(req.headers[h]);
      const payload = JSON.parse(body) as { action: string; sender: { login: string } };
      const d: Kept = {
        id: headers['x-github-delivery']!,
        event: headers['x-github-event']!,
        action: payload.action,
        headers,
        body,
        sender: payload.sender.login,
        outcome: null,
      };
      kept.push(d);
      if (holding) {
        held.push(d);
        res.writeHead(200).end('{}');
        return;
      }
      deliver(d).then(
        (outcome) => {
          d.outcome = outcome;
          res.writeHead(200).end('{}');
        },
        () => res.writeHead(500).end('{}'),
      );
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as AddressInfo;
  gh.webhooks.config = { url: `http://127.0.0.1:${port}/`, secret: SECRET };
});
afterAll(async () => {
  await new Promise((resolve) => relay?.close(resolve));
  await http?.close();
  await c?.close();
  await gh?.close();
});

/** What GitHub delivers for `change`, once every delivery is answered. */
async function onGitHub(change: () => Promise<unknown>): Promise<Kept[]> {
  const from = kept.length;
  await change();
  await gh.webhooks.settled();
  return kept.slice(from);
}

const sync = async (workspace: string) => {
  const { planId } = await c.ok('plan_github_sync', { workspace });
  await c.ok('apply_github_sync', { workspace, planId, dryRun: false });
  await gh.webhooks.settled();
};

const driftSince = async (workspace: string, seq: number) =>
  (await c.auditAfter(seq, workspace)).filter((r) => r.action === 'github.drift');

const driftEventsSince = (n: number) =>
  events.slice(n).flatMap((e) => (e.type === 'compliance.drift' ? [e.payload] : []));

const milestoneNamed = async (workspace: string, id: string) => {
  const { milestones } = await c.ok('list_milestones', { workspace });
  return (milestones as { id: string; title: string; dueOn: string | null; state: string }[]).find(
    (m) => m.id === id,
  );
};

describe('milestone webhooks from the emulator', () => {
  const WS = 'acme/miles';
  let milestoneId: string;
  let taskId: string;
  let number: number;

  /** Checks one change made on GitHub by hubot: delivered once, applied, audited, planned for no more. */
  async function expectApplied(
    sent: Kept[],
    expected: { event: string; field: string; old: unknown; new: unknown },
    seq: number,
    eventsBefore: number,
  ) {
    expect(sent.map((d) => `${d.event}.${d.action}:${d.sender}:${d.outcome}`)).toEqual([
      `${expected.event}:hubot:applied`,
    ]);
    const drift = await driftSince(WS, seq);
    expect(drift.map((r) => ({ entityId: r.entityId, actor: r.actor.id, diff: r.diff }))).toEqual([
      {
        entityId: milestoneId,
        actor: 'github:hubot',
        diff: { [expected.field]: { old: expected.old, new: expected.new } },
      },
    ]);
    expect(drift[0]!.correlationId).toBe(sent[0]!.id);
    expect(driftEventsSince(eventsBefore)).toEqual([
      {
        entityType: 'milestone',
        entityId: milestoneId,
        field: expected.field,
        source: 'webhook',
        deliveryId: sent[0]!.id,
        actor: 'hubot',
      },
    ]);
    // The same delivery again (GitHub's redelivery): recognised, nothing changes.
    const head = await c.auditSeq(WS);
    expect(await deliver(sent[0]!)).toBe('duplicate');
    expect(await c.auditSeq(WS)).toBe(head);
    const plan = await c.ok('plan_github_sync', { workspace: WS });
    expect(plan.counts).toMatchObject({ milestonesToCreate: 0, milestonesToUpdate: 0, issuesToUpdate: 0 });
    expect(plan.budget.contentCreating).toBe(0);
  }

  beforeAll(async () => {
    await c.ok('apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
    const created = await c.ok('upsert_milestone', { workspace: WS, title: 'Alpha', dueOn: '2027-03-31' });
    milestoneId = created.milestone.id;
    const items = (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as {
      id: string;
      type: string;
    }[];
    taskId = items.find((i) => i.type === 'task')!.id;
    const { version } = (await c.ok('get_item', { workspace: WS, id: taskId })).item;
    await c.ok('update_item', { workspace: WS, id: taskId, expectedVersion: version, milestoneId });
    const seq = await c.auditSeq(WS);
    await sync(WS);
    // The sync's own writes echo back and are no drift.
    expect(kept.every((d) => d.outcome !== null && d.sender === 'octocat')).toBe(true);
    expect(await driftSince(WS, seq)).toEqual([]);
    const gm = gh.state.repo('acme', 'miles').milestones.find((m) => m.title === 'Alpha')!;
    number = gm.number;
    expect(gm.dueOn?.slice(0, 10)).toBe('2027-03-31');
  });

  const patch = (body: Record<string, unknown>) => () =>
    octokit(OTHER_TOKEN).rest.issues.updateMilestone({
      owner: 'acme',
      repo: 'miles',
      milestone_number: number,
      ...body,
    });

  it('renames the local milestone when it is renamed on GitHub', async () => {
    const seq = await c.auditSeq(WS);
    const n = events.length;
    const sent = await onGitHub(patch({ title: 'Beta' }));
    expect(await milestoneNamed(WS, milestoneId)).toMatchObject({
      title: 'Beta',
      dueOn: '2027-03-31',
      state: 'open',
    });
    expect((await c.ok('get_item', { workspace: WS, id: taskId })).item.milestoneId).toBe(milestoneId);
    await expectApplied(
      sent,
      { event: 'milestone.edited', field: 'title', old: 'Alpha', new: 'Beta' },
      seq,
      n,
    );
  });

  it('moves the local due date when it is changed on GitHub', async () => {
    const seq = await c.auditSeq(WS);
    const n = events.length;
    const sent = await onGitHub(patch({ due_on: '2027-04-30T00:00:00Z' }));
    expect(await milestoneNamed(WS, milestoneId)).toMatchObject({
      title: 'Beta',
      dueOn: '2027-04-30',
      state: 'open',
    });
    await expectApplied(
      sent,
      { event: 'milestone.edited', field: 'dueOn', old: '2027-03-31', new: '2027-04-30' },
      seq,
      n,
    );
  });

  it('closes the local milestone when it is closed on GitHub', async () => {
    const seq = await c.auditSeq(WS);
    const n = events.length;
    const sent = await onGitHub(patch({ state: 'closed' }));
    expect(await milestoneNamed(WS, milestoneId)).toMatchObject({
      title: 'Beta',
      dueOn: '2027-04-30',
      state: 'closed',
    });
    await expectApplied(
      sent,
      { event: 'milestone.closed', field: 'state', old: 'open', new: 'closed' },
      seq,
      n,
    );
  });

  it('records a milestone deleted on GitHub as drift, keeps it here, and plans to create it again', async () => {
    const seq = await c.auditSeq(WS);
    const n = events.length;
    // GitHub deletes a milestone (DELETE /repos/{owner}/{repo}/milestones/{number}) by taking it off
    // its issues and sending `milestone.deleted` with the milestone as it was.
    const sent = await onGitHub(async () => {
      const repo = gh.state.repo('acme', 'miles');
      const m = repo.milestones.find((x) => x.number === number)!;
      const json = milestoneJson(m, { api: gh.url, web: gh.url });
      repo.milestones.splice(repo.milestones.indexOf(m), 1);
      for (const i of repo.issues) if (i.milestone === m) i.milestone = null;
      gh.state.actor = gh.state.owner('hubot');
      try {
        gh.state.repoChanged('milestone', 'deleted', repo, { milestone: json });
      } finally {
        gh.state.actor = undefined;
      }
    });
    expect(sent.map((d) => `${d.event}.${d.action}:${d.sender}:${d.outcome}`)).toEqual([
      'milestone.deleted:hubot:refused',
    ]);
    expect(await milestoneNamed(WS, milestoneId)).toMatchObject({
      title: 'Beta',
      dueOn: '2027-04-30',
      state: 'closed',
    });
    expect((await c.ok('get_item', { workspace: WS, id: taskId })).item.milestoneId).toBe(milestoneId);
    const drift = await driftSince(WS, seq);
    expect(drift.map((r) => ({ entityId: r.entityId, actor: r.actor.id, diff: r.diff }))).toEqual([
      { entityId: milestoneId, actor: 'github:hubot', diff: { deleted: { old: false, new: true } } },
    ]);
    expect(drift[0]!.reason).toContain('not applied');
    expect(driftEventsSince(n)).toEqual([
      expect.objectContaining({
        entityType: 'milestone',
        entityId: milestoneId,
        field: 'deleted',
        actor: 'hubot',
      }),
    ]);
    const head = await c.auditSeq(WS);
    expect(await deliver(sent[0]!)).toBe('duplicate');
    expect(await c.auditSeq(WS)).toBe(head);
    // Not applied here, so the sync puts it back on GitHub, with the issue that had it.
    const plan = await c.ok('plan_github_sync', { workspace: WS });
    expect(plan.counts).toMatchObject({ milestonesToCreate: 1, milestonesToUpdate: 0, issuesToUpdate: 1 });
    expect(plan.updates).toEqual([expect.objectContaining({ itemId: taskId, fields: ['milestone'] })]);
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });
});

describe('late echoes of the server own writes', () => {
  const WS = 'acme/echo';

  it('keeps a newer local title, status and due date when the echo of the older write arrives', async () => {
    await c.ok('apply_spec', { workspace: WS, text: SPEC, dryRun: false, asOf: '2027-02-10' });
    const m = (await c.ok('upsert_milestone', { workspace: WS, title: 'Gamma', dueOn: '2027-06-30' }))
      .milestone;
    await sync(WS);
    const tasks = (
      (await c.ok('get_item_tree', { workspace: WS, limit: 100 })).items as { id: string; type: string }[]
    ).filter((i) => i.type === 'task');
    const [task, other, finished] = [tasks[0]!, tasks[1]!, tasks[2]!];
    const item = async (id: string) => (await c.ok('get_item', { workspace: WS, id })).item;
    const retitle = async (id: string, title: string) =>
      c.ok('update_item', { workspace: WS, id, expectedVersion: (await item(id)).version, title });
    const status = (id: string, to: string) => c.ok('set_item_status', { workspace: WS, id, status: to });

    // Title A, due date D1 and a close go to GitHub; their webhooks are held back.
    await retitle(task.id, 'Title A');
    await c.ok('upsert_milestone', { workspace: WS, id: m.id, title: 'Gamma', dueOn: '2027-07-31' });
    await status(finished.id, 'in_progress');
    await status(finished.id, 'done');
    holding = true;
    try {
      await sync(WS);
    } finally {
      holding = false;
    }
    const late = held.splice(0);
    expect(late.map((d) => `${d.event}.${d.action}:${d.sender}`).sort()).toEqual([
      'issues.closed:octocat',
      'issues.edited:octocat',
      'milestone.edited:octocat',
    ]);
    const number = (await c.store.reader.issueMappings(WS)).get(task.id)!.number;
    const issue = () => gh.state.repo('acme', 'echo').issues.find((i) => i.number === number)!;
    expect(issue().title).toBe('Title A');

    // Changed here again before GitHub's webhooks for the first write arrive.
    await retitle(task.id, 'Title B');
    await c.ok('upsert_milestone', { workspace: WS, id: m.id, title: 'Gamma', dueOn: '2027-08-31' });
    await status(finished.id, 'in_progress');
    const seq = await c.auditSeq(WS);
    const n = events.length;
    for (const d of late) expect(await deliver(d)).toBe('unchanged');
    expect((await item(task.id)).title).toBe('Title B');
    expect((await item(finished.id)).status).toBe('in_progress');
    expect(await milestoneNamed(WS, m.id)).toMatchObject({ dueOn: '2027-08-31' });
    expect(await driftSince(WS, seq)).toEqual([]);
    expect(driftEventsSince(n)).toEqual([]);

    // The newer values are the next sync's to push.
    const plan = await c.ok('plan_github_sync', { workspace: WS });
    expect(plan.counts).toMatchObject({ milestonesToUpdate: 1, issuesToUpdate: 2 });
    expect(plan.updates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ itemId: task.id, fields: ['title'] }),
        expect.objectContaining({ itemId: finished.id, fields: ['state'] }),
      ]),
    );

    // A change another user makes meanwhile is still drift, applied here.
    const otherNumber = (await c.store.reader.issueMappings(WS)).get(other.id)!.number;
    const sent = await onGitHub(() =>
      octokit(OTHER_TOKEN).rest.issues.update({
        owner: 'acme',
        repo: 'echo',
        issue_number: otherNumber,
        title: 'Renamed on GitHub',
      }),
    );
    expect(sent.map((d) => `${d.event}.${d.action}:${d.sender}:${d.outcome}`)).toEqual([
      'issues.edited:hubot:applied',
    ]);
    expect((await item(other.id)).title).toBe('Renamed on GitHub');
    expect((await driftSince(WS, seq)).map((r) => [r.entityId, r.actor.id])).toEqual([
      [other.id, 'github:hubot'],
    ]);

    await sync(WS);
    expect(issue().title).toBe('Title B');
    const reopened = (await c.store.reader.issueMappings(WS)).get(finished.id)!.number;
    expect(gh.state.repo('acme', 'echo').issues.find((i) => i.number === reopened)!.state).toBe('open');
    expect(
      gh.state
        .repo('acme', 'echo')
        .milestones.find((x) => x.title === 'Gamma')!
        .dueOn?.slice(0, 10),
    ).toBe('2027-08-31');
    expect((await c.ok('plan_github_sync', { workspace: WS })).budget.contentCreating).toBe(0);
    expect((await c.ok('verify_audit', { workspace: WS })).ok).toBe(true);
  });
});
