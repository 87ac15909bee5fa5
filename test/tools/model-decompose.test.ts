import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiProvider } from '../../src/llm/openai-provider.js';
import { fakeOpenAi, type FakeOpenAi, type Step } from '../helpers/fake-openai.js';
import { connectClient, WS, type ConnectOptions, type Connected } from '../helpers/mcp.js';
import { scriptedSampling, type ScriptEntry } from '../helpers/sampling.js';
import { CHECKOUT_MODEL_ANSWER, CHECKOUT_SPEC } from '../fixtures/checkout-spec.js';

const SPEC = CHECKOUT_SPEC;
const ARGS = { text: SPEC, asOf: '2027-02-10' };

const GOOD = CHECKOUT_MODEL_ANSWER;
const good = JSON.stringify(GOOD);
const withLines = (lines: [number, number]) =>
  JSON.stringify({ ...GOOD, epics: [{ ...GOOD.epics[0], lines }] });
const cyclic = JSON.stringify({
  ...GOOD,
  epics: [
    {
      ...GOOD.epics[0],
      features: [
        {
          ...GOOD.epics[0]!.features[0],
          tasks: [
            { ref: 'a', title: 'A', lines: [5, 5], dependsOn: ['b'] },
            { ref: 'b', title: 'B', lines: [6, 6], dependsOn: ['a'] },
          ],
        },
      ],
    },
  ],
});

let c: Connected | undefined;
let endpoint: FakeOpenAi | undefined;
afterEach(async () => {
  await c?.close();
  await endpoint?.close();
  c = endpoint = undefined;
});

async function connect(opts: ConnectOptions): Promise<Connected> {
  c = await connectClient(opts);
  return c;
}

async function heuristicPlan() {
  const h = await connectClient();
  try {
    return await h.ok('decompose_spec', { ...ARGS, method: 'heuristic' });
  } finally {
    await h.close();
  }
}

describe('decompose_spec with the client model (sampling)', () => {
  it('returns the model plan with rule-compatible ids, links, spans and how it was made', async () => {
    const s = scriptedSampling([good], 'claude-test');
    const r = await (await connect({ sampling: s.handler })).ok('decompose_spec', ARGS);
    expect(r.generation).toEqual({
      method: 'sampling',
      requested: 'auto',
      model: 'claude-test',
      latencyMs: 0, // the test clock stands still
      confidence: 0.85,
      attempts: 1,
      fallback: null,
    });
    const titles = r.items.map((i: { type: string; title: string }) => `${i.type}:${i.title}`);
    expect(titles).toEqual([
      'epic:Checkout',
      'feature:Payments',
      'task:Implement card payments API',
      'task:Test refunds end to end',
      'task:Encrypt stored card tokens',
      'feature:Receipts',
      'task:Build receipt email template',
      'task:Send the receipt when a payment settles',
    ]);
    const [epic, payments, api, refunds, encrypt, receipts, template, send] = r.items;
    // Same title path, same id as the rule-based plan: switching methods keeps the items.
    const h = await heuristicPlan();
    const idOf = (title: string) => h.items.find((i: { title: string }) => i.title === title)?.id;
    expect([epic.id, payments.id, refunds.id, receipts.id, template.id]).toEqual(
      ['Checkout', 'Payments', 'Test refunds end to end', 'Receipts', 'Build receipt email template'].map(
        idOf,
      ),
    );
    // The rules drop the trailing "(must)" from the title as the model does: the same item.
    expect(api.id).toBe(idOf('Implement card payments API'));
    expect(encrypt.id).not.toBe(idOf('Encrypt stored card tokens, depends on Implement card payments API'));
    expect(epic).toMatchObject({
      parentId: null,
      milestone: 'Q1-2027-checkout',
      source: { startLine: 1, endLine: 14 },
    });
    expect(api).toMatchObject({ parentId: payments.id, priority: 'high', agent: 'agent:dev' });
    expect(refunds).toMatchObject({ priority: 'medium', agent: 'agent:qa' });
    expect(template).toMatchObject({ estimateDays: 2, parentId: receipts.id });
    expect(payments.description).toContain(
      '## Acceptance criteria\n\n- [ ] A card payment settles within 5 seconds',
    );
    expect(r.links).toEqual([
      { fromId: refunds.id, kind: 'depends_on', toId: api.id, sourceLine: 6 },
      { fromId: encrypt.id, kind: 'depends_on', toId: api.id, sourceLine: 7 },
      { fromId: send.id, kind: 'depends_on', toId: api.id, sourceLine: 14 },
    ]);
    expect(r.stats).toMatchObject({ epics: 1, features: 2, tasks: 5, links: 3, lines: 15 });
    // The model saw the numbered spec and was asked for planning.
    expect(s.requests).toHaveLength(1);
    expect(s.prompt(0)).toContain(' 5| - Implement card payments API (must)');
    expect(s.requests[0]!.params.systemPrompt).toContain('"lines": [firstLine, lastLine]');
  });

  const cases: {
    case: string;
    script: ScriptEntry[];
    attempts: number;
    fallback: RegExp | null;
    retry?: RegExp;
  }[] = [
    {
      case: 'prose, then good JSON',
      script: ['Sure! Here is the plan.', good],
      attempts: 2,
      fallback: null,
      retry: /not valid JSON/,
    },
    { case: 'a fenced good answer', script: ['```json\n' + good + '\n```'], attempts: 1, fallback: null },
    {
      case: 'lines outside the spec, then good',
      script: [withLines([1, 99]), good],
      attempts: 2,
      fallback: null,
      retry: /epics\.0\.lines: \[1, 99\] is not a line range within the spec \(1-15\)/,
    },
    {
      case: 'an unknown agent, ref and a dependency on the parent, then good',
      script: [
        JSON.stringify({
          ...GOOD,
          epics: [
            {
              ...GOOD.epics[0],
              features: [
                {
                  ...GOOD.epics[0]!.features[0],
                  ref: 'pay',
                  tasks: [{ title: 'A', lines: [5, 5], agent: 'wizard', dependsOn: ['nope', 'pay'] }],
                },
              ],
            },
          ],
        }),
        good,
      ],
      attempts: 2,
      fallback: null,
      retry:
        /agent: "wizard" is not an agent of this workspace[\s\S]*"nope" is not the ref of any item[\s\S]*"pay" is a parent or child/,
    },
    {
      case: 'garbage twice',
      script: ['no', 'still no'],
      attempts: 2,
      fallback: /did not answer with JSON, twice/,
    },
    {
      case: 'a dependency cycle twice',
      script: [cyclic, cyclic],
      attempts: 2,
      fallback: /did not match the schema/,
      retry: /cycle: a -> b -> a/,
    },
    {
      case: 'an empty feature twice',
      script: [
        JSON.stringify({
          confidence: 1,
          epics: [{ title: 'E', lines: [1, 1], features: [{ title: 'F', lines: [1, 1], tasks: [] }] }],
        }),
      ].flatMap((x) => [x, x]),
      attempts: 2,
      fallback: /did not match the schema/,
      retry: /a feature needs at least one task/,
    },
    {
      case: 'a client that declines',
      script: [new Error('user declined')],
      attempts: 1,
      fallback: /declined or failed the sampling request/,
    },
  ];
  it.each(cases)('$case -> attempts $attempts', async ({ script, attempts, fallback, retry }) => {
    const s = scriptedSampling(script);
    const r = await (await connect({ sampling: s.handler })).ok('decompose_spec', ARGS);
    expect(r.generation.attempts).toBe(attempts);
    expect(s.requests).toHaveLength(attempts);
    if (retry) expect(s.prompt(1)).toMatch(retry);
    if (fallback === null) {
      expect(r.generation).toMatchObject({ method: 'sampling', fallback: null, confidence: 0.85 });
      expect(r.items).toHaveLength(8);
      return;
    }
    // The rule-based plan, saying why.
    expect(r.generation).toMatchObject({
      method: 'heuristic',
      requested: 'auto',
      model: null,
      confidence: 0.5,
    });
    expect(r.generation.fallback).toMatch(fallback);
    expect(r.warnings[0]).toMatchObject({ code: 'MODEL.FALLBACK', line: 1 });
    expect(r.items.map((i: { id: string }) => i.id)).toEqual(
      (await heuristicPlan()).items.map((i: { id: string }) => i.id),
    );
  });

  it('leaves out a model task made from a non-work section and makes junk titles actionable', async () => {
    const spec = [
      '# Shop',
      '',
      '## Goals',
      '',
      '- Double the conversion rate',
      '',
      '## Payments',
      '',
      '- Implement card payments API',
      '- Refund a payment',
      '',
    ].join('\n');
    const answer = {
      confidence: 0.8,
      epics: [
        {
          title: 'Shop',
          lines: [1, 10],
          features: [
            {
              title: 'Goals',
              lines: [3, 5],
              tasks: [{ title: 'Double the conversion rate', lines: [5, 5] }],
            },
            {
              title: 'Payments',
              lines: [7, 10],
              tasks: [
                { ref: 'api', title: '✅ **Card payments API**:', lines: [9, 9] },
                { title: 'Refund a payment', lines: [10, 10], dependsOn: ['api'] },
              ],
            },
          ],
        },
      ],
    };
    const s = scriptedSampling([JSON.stringify(answer)], 'claude-test');
    const r = await (
      await connect({ sampling: s.handler })
    ).ok('decompose_spec', { text: spec, asOf: '2027-02-10' });
    const tasks = r.items.filter((i: { type: string }) => i.type === 'task');
    expect(tasks.map((t: { title: string }) => t.title)).not.toContain('Double the conversion rate');
    expect(tasks).toHaveLength(2);
    const api = tasks.find((t: { source: { startLine: number } }) => t.source.startLine === 9);
    expect(api.title).not.toMatch(/[*✅:]/u);
    expect(api.title.toLowerCase()).toContain('card payments api');
    expect(api.description).toContain('**Card payments API**');
    const corrected = r.warnings.filter((w: { code: string }) => w.code === 'MODEL.CORRECTED');
    expect(corrected.map((w: { line: number }) => w.line).sort()).toEqual([5, 9]);
    // The dependency on the kept task survives.
    expect(r.links).toHaveLength(1);
  });

  it('does not send a spec over the size limit to the model', async () => {
    const big = `# Big\n\n${Array.from({ length: 1500 }, (_, i) => `- Task number ${i} with a fairly long description line`).join('\n')}\n`;
    const s = scriptedSampling([good]);
    const r = await (await connect({ sampling: s.handler })).ok('decompose_spec', { text: big, limit: 5 });
    expect(s.requests).toHaveLength(0);
    expect(r.generation).toMatchObject({ method: 'heuristic', attempts: 0 });
    expect(r.generation.fallback).toMatch(/^spec too large for the model/);
    expect(r.nextCursor).not.toBeNull();
  });

  it.each([
    { method: 'sampling', opts: {}, code: 'MODEL.UNAVAILABLE' },
    { method: 'provider', opts: { sampling: scriptedSampling([good]).handler }, code: 'MODEL.UNAVAILABLE' },
  ])('method $method without that model -> $code', async ({ method, opts, code }) => {
    const f = await (await connect(opts)).failure('decompose_spec', { ...ARGS, method });
    expect(f.code).toBe(code);
    expect(f.hint).toMatch(/"auto" or "heuristic"/);
  });

  it('auto without sampling or provider uses the rules and asks nobody', async () => {
    const r = await (await connect({})).ok('decompose_spec', ARGS);
    expect(r.generation).toEqual({
      method: 'heuristic',
      requested: 'auto',
      model: null,
      latencyMs: 0,
      confidence: 0.5,
      attempts: 0,
      fallback: null,
    });
    expect(r.warnings.map((w: { code: string }) => w.code)).not.toContain('MODEL.FALLBACK');
  });

  it('method heuristic never asks the client model', async () => {
    const s = scriptedSampling([good]);
    const r = await (
      await connect({ sampling: s.handler })
    ).ok('decompose_spec', { ...ARGS, method: 'heuristic' });
    expect(r.generation.method).toBe('heuristic');
    expect(s.requests).toHaveLength(0);
  });

  it('returns a model plan whole, whatever the limit', async () => {
    const r = await (
      await connect({ sampling: scriptedSampling([good]).handler })
    ).ok('decompose_spec', { ...ARGS, limit: 2 });
    expect(r.items).toHaveLength(8);
    expect(r.nextCursor).toBeNull();
  });

  it('pages a rule-based plan by rules only, and refuses a cursor from another plan', async () => {
    const s = scriptedSampling([]);
    const conn = await connect({ sampling: s.handler });
    const first = await conn.ok('decompose_spec', { ...ARGS, method: 'heuristic', limit: 3 });
    const second = await conn.ok('decompose_spec', { ...ARGS, cursor: first.nextCursor, limit: 3 });
    expect(s.requests).toHaveLength(0); // method auto, but a cursor page never asks a model
    expect(second.generation).toMatchObject({ method: 'heuristic', requested: 'auto' });
    expect(second.items[0].id).toBe((await heuristicPlan()).items[3].id);
    const edited = SPEC.replace('## Receipts', '## Invoices');
    const bad = [
      { args: { ...ARGS, text: edited, cursor: first.nextCursor }, message: /changed since the first page/ },
      { args: { ...ARGS, method: 'sampling', cursor: first.nextCursor }, message: /comes in one page/ },
      { args: { ...ARGS, cursor: '3' }, message: /not one this tool issued/ },
    ];
    for (const b of bad) {
      const f = await conn.failure('decompose_spec', b.args);
      expect(f.code).toBe('INPUT.INVALID');
      expect(f.message).toMatch(b.message);
    }
  });

  it('reports progress while waiting for the model', async () => {
    const conn = await connect({ sampling: scriptedSampling([good]).handler });
    const progress: (string | undefined)[] = [];
    const r = await conn.client.callTool({ name: 'decompose_spec', arguments: ARGS }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p.message),
    });
    expect(r.isError).toBeFalsy();
    expect(progress[0]).toBe('waiting for the model');
  });
});

describe('apply_spec with a model', () => {
  it('writes the model plan and audits how it was made', async () => {
    const conn = await connect({ sampling: scriptedSampling([good], 'claude-test').handler });
    const r = await conn.ok('apply_spec', { workspace: WS, ...ARGS, dryRun: false });
    expect(r.created).toHaveLength(8);
    const { records } = await conn.ok('query_audit', { workspace: WS, entityId: r.spec.specId });
    expect(records[0].diff).toMatchObject({
      method: { new: 'sampling' },
      requested: { new: 'auto' },
      model: { new: 'claude-test' },
      confidence: { new: 0.85 },
      attempts: { new: 1 },
    });
  });

  it('is refused with MODEL.UNAVAILABLE, writing nothing, when the named model is missing', async () => {
    const conn = await connect({});
    expect(await conn.err('apply_spec', { workspace: WS, ...ARGS, method: 'sampling', dryRun: false })).toBe(
      'MODEL.UNAVAILABLE',
    );
    expect(await conn.auditSeq()).toBe(0);
  });
});

describe('decompose_spec with an OpenAI-compatible provider', () => {
  async function withProvider(
    script: Record<string, readonly Step[]>,
    opts: ConnectOptions = {},
    timeoutMs = 2_000,
  ) {
    endpoint = await fakeOpenAi(script);
    const provider = openAiProvider({
      baseUrl: endpoint.baseUrl,
      models: { planning: ['plan-a', 'plan-b'], analysis: ['x'], writing: ['x'] },
      timeoutMs,
    });
    return connect({ ...opts, provider });
  }

  it('prefers the configured provider over the client model and records the model that answered', async () => {
    const s = scriptedSampling([good]);
    const conn = await withProvider(
      { 'plan-a': [{ answer: good, model: 'plan-a-v2' }] },
      { sampling: s.handler },
    );
    const r = await conn.ok('decompose_spec', ARGS);
    expect(r.generation).toMatchObject({
      method: 'provider',
      model: 'plan-a-v2',
      attempts: 1,
      fallback: null,
    });
    expect(r.items).toHaveLength(8);
    expect(s.requests).toHaveLength(0);
    expect(endpoint!.requests.map((q) => q.model)).toEqual(['plan-a']);
    expect(JSON.stringify(endpoint!.requests[0]!.body)).toContain('Implement card payments API (must)');
  });

  it.each<{
    case: string;
    script: Record<string, Step[]>;
    models: string[];
    method: string;
    attempts: number;
  }>([
    {
      case: '500 on the first model, success on the fallback',
      script: { 'plan-a': [{ status: 500 }], 'plan-b': [{ answer: good }] },
      models: ['plan-a', 'plan-b'],
      method: 'provider',
      attempts: 1,
    },
    {
      case: 'invalid JSON, then good',
      script: { 'plan-a': [{ answer: '{"epics": "soon"' }, { answer: good }] },
      models: ['plan-a', 'plan-a'],
      method: 'provider',
      attempts: 2,
    },
    {
      case: 'invalid JSON twice',
      script: { 'plan-a': [{ answer: 'nope' }] },
      models: ['plan-a', 'plan-a'],
      method: 'heuristic',
      attempts: 2,
    },
  ])('$case', async ({ script, models, method, attempts }) => {
    const r = await (await withProvider(script)).ok('decompose_spec', { ...ARGS, method: 'provider' });
    expect(endpoint!.requests.map((q) => q.model)).toEqual(models);
    expect(r.generation).toMatchObject({ method, requested: 'provider', attempts });
  });

  it('falls back to the rules within the timeout when the provider hangs', async () => {
    const conn = await withProvider({ 'plan-a': [{ hang: true }], 'plan-b': [{ hang: true }] }, {}, 300);
    const started = performance.now();
    const r = await conn.ok('decompose_spec', ARGS);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(r.generation).toMatchObject({ method: 'heuristic', attempts: 1 });
    expect(r.generation.fallback).toContain('plan-a: no answer within 300 ms');
    expect(r.warnings[0].code).toBe('MODEL.FALLBACK');
  });

  it('sends nothing to the endpoint with method heuristic, or when no provider is configured', async () => {
    const conn = await withProvider({ 'plan-a': [{ answer: good }] });
    expect((await conn.ok('decompose_spec', { ...ARGS, method: 'heuristic' })).generation.method).toBe(
      'heuristic',
    );
    await conn.close();
    // The variables the openai package reads by itself point at the endpoint: still nothing is sent.
    const vars = {
      OPENAI_BASE_URL: endpoint!.baseUrl,
      OPENAI_API_KEY: 'sk-ambient',
      GF_MODEL_PLANNING: 'plan-a',
    };
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      const plain = await connect({});
      expect((await plain.ok('decompose_spec', ARGS)).generation.method).toBe('heuristic');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(endpoint!.requests).toHaveLength(0);
  });
});
