import { afterEach, describe, expect, it } from 'vitest';
import { ModelFailure, type ModelRequest, type ModelTask } from '../../src/governance/ports/model.js';
import { openAiProvider, type OpenAiProviderOptions } from '../../src/llm/openai-provider.js';
import { fakeOpenAi, type FakeOpenAi, type Step } from '../helpers/fake-openai.js';

const KEY = 'sk-test-0123456789abcdef';
let server: FakeOpenAi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function provider(
  script: Record<string, readonly Step[]>,
  models: Partial<Record<ModelTask, string[]>> = {},
  extra: Partial<OpenAiProviderOptions> = {},
) {
  server = await fakeOpenAi(script);
  const planning = models.planning ?? ['plan-a', 'plan-b'];
  return openAiProvider({
    baseUrl: server.baseUrl,
    models: { planning, analysis: models.analysis ?? planning, writing: models.writing ?? planning },
    timeoutMs: 2_000,
    ...extra,
  });
}

const req = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  task: 'planning',
  system: 'Answer with JSON.',
  prompt: 'The spec',
  maxTokens: 100,
  ...over,
});

async function failure(p: Promise<unknown>): Promise<ModelFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFailure);
    return err as ModelFailure;
  }
  throw new Error('expected a ModelFailure');
}

describe('openAiProvider', () => {
  it('sends the system and user messages, max_tokens and JSON mode to the first model', async () => {
    const p = await provider({ 'plan-a': [{ answer: '{"ok":true}', model: 'plan-a-2025-01' }] });
    expect(await p.complete(req())).toEqual({ text: '{"ok":true}', model: 'plan-a-2025-01' });
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]).toMatchObject({
      path: '/v1/chat/completions',
      model: 'plan-a',
      authorization: undefined,
      body: {
        messages: [
          { role: 'system', content: 'Answer with JSON.' },
          { role: 'user', content: 'The spec' },
        ],
        max_tokens: 100,
        response_format: { type: 'json_object' },
      },
    });
  });

  it('sends the API key as a bearer token when one is configured', async () => {
    const p = await provider({ 'plan-a': [{ answer: 'x' }] }, {}, { apiKey: KEY });
    await p.complete(req());
    expect(server!.requests[0]!.authorization).toBe(`Bearer ${KEY}`);
  });

  it.each([
    { case: '404 model not found', first: [] as Step[] },
    { case: '500', first: [{ status: 500 }] },
    { case: '503', first: [{ status: 503 }] },
    { case: '429 rate limited', first: [{ status: 429 }] },
    { case: 'empty answer', first: [{ answer: '' }] },
  ])('falls back to the next model of the chain on $case', async ({ first }) => {
    const p = await provider({ 'plan-a': first, 'plan-b': [{ answer: 'from b' }] });
    expect(await p.complete(req())).toEqual({ text: 'from b', model: 'plan-b' });
    expect(server!.requests.map((r) => r.model)).toEqual(['plan-a', 'plan-b']);
  });

  it('falls back on a timeout, within the configured timeout per model', async () => {
    const p = await provider(
      { 'plan-a': [{ hang: true }], 'plan-b': [{ answer: 'from b' }] },
      {},
      { timeoutMs: 300 },
    );
    const started = performance.now();
    expect((await p.complete(req())).model).toBe('plan-b');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('reports a timeout when every model of the chain timed out', async () => {
    const p = await provider(
      { 'plan-a': [{ hang: true }], 'plan-b': [{ hang: true }] },
      {},
      { timeoutMs: 250 },
    );
    const f = await failure(p.complete(req()));
    expect(f.reason).toBe('timeout');
    expect(f.message).toContain('plan-a: no answer within 250 ms');
    expect(f.message).toContain('plan-b: no answer within 250 ms');
  });

  it('stops at 401: another model of the same server will not accept the key either', async () => {
    const p = await provider(
      { 'plan-a': [{ status: 401 }], 'plan-b': [{ answer: 'never' }] },
      {},
      { apiKey: KEY },
    );
    const f = await failure(p.complete(req()));
    expect(f.reason).toBe('unavailable');
    expect(server!.requests.map((r) => r.model)).toEqual(['plan-a']);
  });

  it('never puts the API key in its error messages, even when the server echoes it', async () => {
    const echo = { status: 500, body: { error: { message: `invalid key ${KEY}` } } };
    const p = await provider({ 'plan-a': [echo], 'plan-b': [echo] }, {}, { apiKey: KEY });
    const f = await failure(p.complete(req()));
    expect(f.message).toContain('HTTP 500');
    expect(f.message).not.toContain(KEY);
  });

  it('asks again without response_format when a model rejects it, and remembers', async () => {
    const p = await provider({ 'plan-a': [{ rejectJsonMode: true, answer: 'plain' }] });
    expect((await p.complete(req())).text).toBe('plain');
    expect((await p.complete(req())).text).toBe('plain');
    expect(server!.requests.map((r) => 'response_format' in r.body)).toEqual([true, false, false]);
  });

  it('uses the chain of the request task', async () => {
    const p = await provider(
      { 'plan-a': [{ answer: 'p' }], 'write-a': [{ answer: 'w' }] },
      { planning: ['plan-a'], writing: ['write-a'] },
    );
    expect((await p.complete(req({ task: 'writing' }))).model).toBe('write-a');
    expect(server!.requests.map((r) => r.model)).toEqual(['write-a']);
  });

  it('is cancelled by the request signal', async () => {
    const p = await provider({ 'plan-a': [{ hang: true }], 'plan-b': [{ answer: 'never' }] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const f = await failure(p.complete(req({ signal: ac.signal })));
    expect(f.reason).toBe('cancelled');
    expect(server!.requests.map((r) => r.model)).toEqual(['plan-a']);
  });

  it('is unavailable when nothing listens at the base URL, without trying every model', async () => {
    const s = await fakeOpenAi({});
    const baseUrl = s.baseUrl;
    await s.close();
    const p = openAiProvider({
      baseUrl,
      models: { planning: ['a', 'b'], analysis: ['a'], writing: ['a'] },
      timeoutMs: 1_000,
    });
    const f = await failure(p.complete(req()));
    expect(f.reason).toBe('unavailable');
    expect(f.message).toBe('The provider gave no answer (a: cannot connect to the provider)');
  });
});
