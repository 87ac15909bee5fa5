/**
 * delivery_report through MCP on a history made with the test clock: four whole weeks of known
 * velocity (a 30% fall), a milestone that cannot make its date among the risks and in the rules'
 * summary, the summary by a configured provider or the client's model, and the rules' summary
 * with the reason when no model answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModelFailure, type ModelPort, type ModelRequest } from '../../src/governance/ports/model.js';
import { connectClient, T0, useClient, WS, type ConnectOptions, type Connected } from '../helpers/mcp.js';
import { scriptedSampling } from '../helpers/sampling.js';

const DAY = 86_400_000;
const plus = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
/** A Monday: the 28 days before it are four whole weeks, Monday 2025-01-20 to Sunday 2025-02-16. */
const NOW = '2025-02-17T00:00:00.000Z';
const WEEK1 = '2025-01-20T00:00:00.000Z';
const DONE_PER_WEEK = [6, 4, 3, 4];
const SOON_DUE = '2025-02-24';
const ARGS = { workspace: WS, sinceDays: 28 };

interface Seeded {
  soon: string;
  later: string;
  someday: string;
  blocked: string[];
  waiting: string;
}

/**
 * Tasks done on the Tuesdays of the four weeks (DONE_PER_WEEK) plus one before the period; 20 open
 * tasks of milestone "Soon" (due a week after NOW, two of them blocked, one waiting on another)
 * and 3 of "Later" (due in June); "Someday" has no due date.
 */
async function seed(cl: Connected): Promise<Seeded> {
  cl.clock.set(T0);
  const create = async (args: Record<string, unknown>): Promise<string> =>
    (await cl.ok('create_item', { workspace: WS, ...args })).item.id;
  const milestone = async (title: string, dueOn?: string): Promise<string> =>
    (await cl.ok('upsert_milestone', { workspace: WS, title, ...(dueOn && { dueOn }) })).milestone.id;
  const later = await milestone('Later', '2025-06-30');
  const soon = await milestone('Soon', SOON_DUE);
  const someday = await milestone('Someday');
  const under = async (title: string, milestoneId?: string) =>
    create({
      type: 'feature',
      title: `${title} work`,
      parentId: await create({ type: 'epic', title, ...(milestoneId && { milestoneId }) }),
    });
  const [history, soonF, laterF] = [
    await under('History'),
    await under('Launch', soon),
    await under('Next', later),
  ];
  await under('Ideas', someday);

  const doneAt = [plus(T0, 1)];
  DONE_PER_WEEK.forEach((n, w) => {
    for (let k = 0; k < n; k++) doneAt.push(plus(WEEK1, 7 * w + 1 + k / 24));
  });
  const agentOf = (k: number) => (k < 8 ? 'agent:orchestrator' : k < 12 ? 'agent:pm' : undefined);
  const done: string[] = [];
  for (let k = 0; k < doneAt.length; k++) {
    const agent = agentOf(k);
    done.push(await create({ type: 'task', title: `Done ${k}`, parentId: history, ...(agent && { agent }) }));
  }
  const open = async (parentId: string, n: number) => {
    const ids: string[] = [];
    for (let k = 0; k < n; k++) ids.push(await create({ type: 'task', title: `Open ${k}`, parentId }));
    return ids;
  };
  const soonTasks = await open(soonF, 20);
  await open(laterF, 3);

  for (const id of done) await cl.ok('set_item_status', { workspace: WS, id, status: 'in_progress' });
  for (let k = 0; k < done.length; k++) {
    cl.clock.set(doneAt[k]!);
    await cl.ok('set_item_status', { workspace: WS, id: done[k], status: 'done' });
  }
  cl.clock.set(NOW);
  const blocked = soonTasks.slice(0, 2);
  for (const id of blocked) {
    await cl.ok('set_item_status', { workspace: WS, id, status: 'in_progress' });
    await cl.ok('set_item_status', { workspace: WS, id, status: 'blocked', reason: 'vendor' });
  }
  const waiting = soonTasks[5]!;
  await cl.ok('link_items', { workspace: WS, fromId: waiting, kind: 'depends_on', toId: soonTasks[6] });
  return { soon, later, someday, blocked, waiting };
}

const forecastOf = (cl: Connected, milestoneId: string) =>
  cl.ok('forecast_milestone', { workspace: WS, milestoneId, runs: 2_000, seed: 1 });

describe('delivery_report by the rules', () => {
  const c = useClient();

  it('reports the velocity of whole weeks and its fall', async () => {
    await seed(c());
    const r = await c().ok('delivery_report', ARGS);
    expect(r.period).toEqual({ since: plus(NOW, -28), until: NOW, days: 28 });
    const total = DONE_PER_WEEK.reduce((a, b) => a + b, 0);
    expect(r.velocity).toEqual({
      done: total,
      perWeek: total / 4,
      weeks: DONE_PER_WEEK.map((done, w) => ({ week: plus(WEEK1, 7 * w).slice(0, 10), done, days: 7 })),
      firstHalf: 6 + 4,
      lastHalf: 3 + 4,
      changePercent: -30,
      trend: 'down',
    });
    expect(r.risks).toContain('Velocity fell 30% (10 then 7 tasks, first vs last half of the period)');
    // The same figures get_delivery_metrics gives for the period.
    const ct = await c().ok('get_delivery_metrics', {
      workspace: WS,
      view: 'cycle_time',
      since: r.period.since,
    });
    const { mean: _mean, ...dist } = ct.cycleTime;
    expect(r.cycleTime).toEqual(dist);
    expect(r.cycleTime.count).toBe(total);
    expect(r.throughputByAgent.map((a: { agent: string; done: number }) => [a.agent, a.done])).toEqual([
      ['agent:orchestrator', 7], // its first task was done before the period
      ['(unassigned)', 6],
      ['agent:pm', 4],
    ]);
    expect(r.highlights).toContain('agent:orchestrator delivered the most: 7 tasks');
  });

  it('puts a milestone that cannot make its date among the risks and in the summary', async () => {
    const s = await seed(c());
    const r = await c().ok('delivery_report', ARGS);
    // Soonest due first; one without a due date is left out.
    expect(r.milestones.map((m: { id: string }) => m.id)).toEqual([s.soon, s.later]);
    const [soon, later] = r.milestones;
    for (const m of r.milestones) {
      const f = await forecastOf(c(), m.id);
      expect(m).toMatchObject({ p85: f.p85, onTimeProbability: f.onTimeProbability, remaining: f.remaining });
      expect(m.atRisk).toBe(f.onTimeProbability < 0.7);
    }
    expect(soon).toMatchObject({ dueOn: SOON_DUE, tasks: 20, remaining: 20, atRisk: true });
    expect(later).toMatchObject({ remaining: 3, atRisk: false });
    const risk = r.risks.find((x: string) => x.startsWith(`${s.soon} has a `));
    expect(risk).toContain(
      `${s.soon} has a ${Math.round(soon.onTimeProbability * 100)}% chance of meeting its due date ${SOON_DUE}`,
    );
    expect(r.highlights.some((x: string) => x.startsWith(`${s.later} is on track`))).toBe(true);
    expect(r.risks.some((x: string) => x.startsWith(`${s.later} `))).toBe(false);
    expect(r.summary).toEqual({
      text: expect.stringContaining(risk),
      method: 'rules',
      model: null,
      fallback: null,
    });
    for (const h of r.highlights) expect(r.summary.text).toContain(h);
    expect(r.summary.text.indexOf('Risks:')).toBeGreaterThan(r.summary.text.indexOf(r.highlights.at(-1)));
  });

  it('counts the bottlenecks with example ids', async () => {
    const s = await seed(c());
    const r = await c().ok('delivery_report', ARGS);
    expect(r.bottlenecks.blocked).toEqual({ count: 2, examples: expect.arrayContaining(s.blocked) });
    expect(r.bottlenecks.waitingOnDependencies).toEqual({ count: 1, examples: [s.waiting] });
    expect(r.bottlenecks.inReview).toEqual({ count: 0, examples: [] });
    expect(r.risks.some((x: string) => x.startsWith('2 tasks blocked'))).toBe(true);
    expect(
      r.risks.some((x: string) => x.startsWith(`1 item waiting on open dependencies (${s.waiting})`)),
    ).toBe(true);
  });

  it('reads the same twice and has nothing to report on an empty period', async () => {
    await seed(c());
    expect(await c().ok('delivery_report', ARGS)).toEqual(await c().ok('delivery_report', ARGS));
    c().clock.set(plus(NOW, 60));
    const r = await c().ok('delivery_report', { workspace: WS, sinceDays: 7 });
    expect(r.velocity).toMatchObject({ done: 0, perWeek: 0, trend: 'flat', changePercent: null });
    expect(r.risks).toContain('No tasks done in the last 7 days');
  });

  it('uses the rules with the reason when a model is asked for and none is available', async () => {
    await seed(c());
    const r = await c().ok('delivery_report', { ...ARGS, summary: 'model' });
    const rules = await c().ok('delivery_report', ARGS);
    expect(r.summary).toEqual({ ...rules.summary, fallback: expect.stringMatching(/no model is available/) });
  });

  it.each([
    ['an unknown workspace', { workspace: 'no/where' }, 'WORKSPACE.NOT_FOUND'],
    ['a period of 0 days', { sinceDays: 0 }, 'INPUT.INVALID'],
    ['a period over a year', { sinceDays: 367 }, 'INPUT.INVALID'],
    ['an unknown summary mode', { summary: 'oracle' }, 'INPUT.INVALID'],
  ])('refuses %s', async (_n, args, code) => {
    await c().ok('create_item', { workspace: WS, type: 'epic', title: 'E' });
    expect(await c().err('delivery_report', { ...ARGS, ...args })).toBe(code);
  });
});

describe('delivery_report summarised by a model', () => {
  let cl: Connected | undefined;
  afterEach(async () => {
    await cl?.close();
    cl = undefined;
  });
  const open = async (opts: ConnectOptions) => {
    cl = await connectClient(opts);
    return { cl, seeded: await seed(cl) };
  };

  const TEXT =
    'Delivery slowed by 30% this month. Milestone Soon will miss its date. Two tasks are blocked on a vendor.';
  const answer = JSON.stringify({ summary: TEXT });

  /** A configured provider's model that answers `reply` and keeps the requests. */
  function testModel(reply: () => string): ModelPort & { requests: ModelRequest[] } {
    const requests: ModelRequest[] = [];
    return {
      kind: 'provider',
      requests,
      async complete(req) {
        requests.push(req);
        return { text: reply(), model: 'exec-model-1' };
      },
    };
  }

  /** The report the model was given, as the prompt carries it. */
  const sentReport = (prompt: string) =>
    JSON.parse(prompt.slice(prompt.indexOf('{'))) as Record<string, unknown>;

  it('uses the configured provider before the client model, given the report as JSON', async () => {
    const provider = testModel(() => answer);
    const sampling = scriptedSampling([answer]);
    const { cl, seeded } = await open({ provider, sampling: sampling.handler });
    const r = await cl.ok('delivery_report', { ...ARGS, summary: 'model' });
    expect(r.summary).toEqual({ text: TEXT, method: 'provider', model: 'exec-model-1', fallback: null });
    expect(sampling.requests).toHaveLength(0);
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]!.system).toMatch(/3-6 sentence executive summary/);
    const sent = sentReport(provider.requests[0]!.prompt);
    const { summary: _s, ...report } = r;
    expect(sent).toEqual(report);
    expect(sent.risks).toEqual(expect.arrayContaining([expect.stringContaining(`${seeded.soon} has a `)]));
  });

  it('uses the client model through sampling when no provider is configured', async () => {
    const sampling = scriptedSampling([answer], 'client-model-7');
    const { cl } = await open({ sampling: sampling.handler });
    const r = await cl.ok('delivery_report', { ...ARGS, summary: 'model' });
    expect(r.summary).toEqual({ text: TEXT, method: 'sampling', model: 'client-model-7', fallback: null });
    expect(sentReport(sampling.prompt(0)).velocity).toEqual(r.velocity);
  });

  it.each([
    [
      'the client model fails',
      () => ({ sampling: scriptedSampling([new Error('no capacity')]).handler }),
      /declined or failed the sampling request/,
    ],
    [
      'the provider throws',
      () => ({
        provider: testModel(() => {
          throw new ModelFailure('unavailable', 'every model of the provider failed');
        }),
      }),
      /every model of the provider failed/,
    ],
    [
      'the model answers no JSON, twice',
      () => ({ provider: testModel(() => 'Things are fine.') }),
      /did not answer with JSON, twice/,
    ],
  ])('falls back to the rules with the reason when %s', async (_n, opts, reason) => {
    const { cl } = await open(opts());
    const r = await cl.ok('delivery_report', { ...ARGS, summary: 'model' });
    const rules = await cl.ok('delivery_report', ARGS);
    expect(r.summary).toEqual({ ...rules.summary, fallback: expect.stringMatching(reason) });
    expect(r.summary.text).toContain('Risks: Velocity fell 30%');
    const { summary: _a, ...report } = r;
    const { summary: _b, ...expected } = rules;
    expect(report).toEqual(expected);
  });
});
