import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/governance/config/defaults.js';
import { connectClient, useClient, WS, type Connected } from '../helpers/mcp.js';

const c = useClient();

/** Epic E-1 -> feature F-2 (tasks T-3, T-4) and a sibling feature F-5 (task T-6) the model must not see. */
async function tree(cl: Connected): Promise<void> {
  const create = (args: Record<string, unknown>) => cl.ok('create_item', { workspace: WS, ...args });
  await create({ type: 'epic', title: 'Checkout', description: 'Secret epic plans' });
  await create({ type: 'feature', title: 'Payment API', parentId: 'E-1', description: 'Charge cards.' });
  await create({ type: 'task', title: 'Charge card', parentId: 'F-2', estimateDays: 2 });
  await create({ type: 'task', title: 'Refund', parentId: 'F-2', estimateDays: 3 });
  await create({ type: 'feature', title: 'Sibling wishlist', parentId: 'E-1', description: 'sibling text' });
  await create({ type: 'task', title: 'Nephew task', parentId: 'F-5' });
}

const enhance = (cl: Connected, args: Record<string, unknown>) =>
  cl.ok('enhance_item', { workspace: WS, id: 'F-2', ...args });

describe('enhance_item from templates', () => {
  it('drafts criteria, notes, a tier and a description with the required sections', async () => {
    await tree(c());
    const before = await c().auditSeq();
    const r = await enhance(c(), { method: 'heuristic' });
    expect(r.item).toEqual({ id: 'F-2', type: 'feature', title: 'Payment API', version: 1 });
    expect(r.acceptanceCriteria).toEqual(
      expect.arrayContaining(['Task "Charge card" is done', 'Task "Refund" is done']),
    );
    expect(r.estimate).toEqual({ tier: 'medium', ...DEFAULT_CONFIG.generation.estimation.medium });
    expect(r.description.startsWith('Charge cards.')).toBe(true);
    for (const section of DEFAULT_CONFIG.templates.feature.requiredSections) {
      expect(r.description).toContain(`## ${section}\n\n- `);
    }
    expect(r.generation).toEqual({
      method: 'heuristic',
      requested: 'heuristic',
      model: null,
      latencyMs: 0,
      confidence: r.confidence,
      attempts: 0,
      fallback: null,
    });
    expect(await c().auditSeq()).toBe(before);
  });

  it('applied with update_item, clears the section violations of validate_hierarchy', async () => {
    await tree(c());
    const sectionRules = async () =>
      (
        await c().ok('validate_hierarchy', {
          workspace: WS,
          source: { kind: 'stored', rootId: 'F-2' },
          limit: 200,
        })
      ).violations
        .filter((v: any) => v.itemId === 'F-2' && v.rule.startsWith('sections.'))
        .map((v: any) => `${v.rule}: ${v.message}`);
    // One finding lists every section to write: a compliance one and a template one here.
    expect(await sectionRules()).toEqual([
      expect.stringMatching(/^sections\.documentation: .*"Acceptance criteria".*"Technical notes"/),
    ]);
    const r = await enhance(c(), { method: 'heuristic' });
    await c().ok('update_item', {
      workspace: WS,
      id: 'F-2',
      expectedVersion: r.item.version,
      description: r.description,
    });
    expect(await sectionRules()).toEqual([]);
  });

  it('follows the configuration: extra sections and other tiers', async () => {
    await tree(c());
    await c().ok('update_config', {
      workspace: WS,
      scope: 'repo',
      reason: 'test',
      override: {
        templates: { feature: { requiredSections: ['Acceptance criteria', 'Rollout'] } },
        generation: {
          estimation: {
            simple: { minDays: 1, maxDays: 2 },
            medium: { minDays: 3, maxDays: 4 },
            complex: { minDays: 5, maxDays: 30 },
          },
        },
      },
    });
    const r = await enhance(c(), { method: 'heuristic' });
    expect(r.description).toContain('## Rollout');
    // The tasks' 2 + 3 days now make a complex feature.
    expect(r.estimate).toEqual({ tier: 'complex', minDays: 5, maxDays: 30 });
  });

  it.each([
    { name: 'an unknown item', args: { id: 'T-99' }, code: 'ITEM.NOT_FOUND' },
    { name: 'an unknown method', args: { method: 'oracle' }, code: 'INPUT.INVALID' },
    { name: 'sampling without the capability', args: { method: 'sampling' }, code: 'MODEL.UNAVAILABLE' },
    { name: 'provider without one configured', args: { method: 'provider' }, code: 'MODEL.UNAVAILABLE' },
  ])('refuses $name with $code', async ({ args, code }) => {
    await tree(c());
    expect(await c().err('enhance_item', { workspace: WS, id: 'F-2', ...args })).toBe(code);
  });

  it('uses templates for auto when no model is available', async () => {
    await tree(c());
    expect((await enhance(c(), {})).generation).toMatchObject({ method: 'heuristic', requested: 'auto' });
  });
});

describe('enhance_item with the client model (sampling)', () => {
  let cl: Connected | undefined;
  afterEach(async () => {
    await cl?.close();
    cl = undefined;
  });

  async function withModel(answers: string[]): Promise<{ cl: Connected; requests: CreateMessageRequest[] }> {
    const requests: CreateMessageRequest[] = [];
    cl = await connectClient({
      sampling: async (req): Promise<CreateMessageResult> => {
        requests.push(req);
        const text = answers[Math.min(requests.length - 1, answers.length - 1)]!;
        return { model: 'test-model', role: 'assistant', content: { type: 'text', text } };
      },
    });
    await tree(cl);
    return { cl, requests };
  }

  const GOOD = JSON.stringify({
    acceptanceCriteria: ['Cards are charged once', 'Refunds reach the card within a day'],
    technicalNotes: ['Use idempotency keys'],
    tier: 'complex',
    confidence: 0.8,
  });

  it.each(['auto', 'sampling'])('uses a good answer (method %s)', async (method) => {
    const { cl, requests } = await withModel([GOOD]);
    const r = await enhance(cl, { method });
    expect(r.acceptanceCriteria).toEqual(['Cards are charged once', 'Refunds reach the card within a day']);
    expect(r.technicalNotes).toEqual(['Use idempotency keys']);
    expect(r.estimate).toEqual({ tier: 'complex', ...DEFAULT_CONFIG.generation.estimation.complex });
    expect(r.confidence).toBe(0.8);
    expect(r.description).toContain('## Acceptance criteria\n\n- [ ] Cards are charged once');
    expect(r.generation).toMatchObject({
      method: 'sampling',
      requested: method,
      model: 'test-model',
      attempts: 1,
      fallback: null,
    });
    // Only this item and the titles of its parent and children leave the server.
    const sent = JSON.stringify(requests[0]!.params);
    for (const seen of ['Payment API', 'Charge cards.', 'Checkout', 'Charge card', 'Refund']) {
      expect(sent).toContain(seen);
    }
    for (const hidden of ['Secret epic plans', 'Sibling wishlist', 'sibling text', 'Nephew task']) {
      expect(sent).not.toContain(hidden);
    }
  });

  it('falls back to the templates after two unusable answers, and says why', async () => {
    const { cl, requests } = await withModel(['not json at all', JSON.stringify({ tier: 'huge' })]);
    const r = await enhance(cl, { method: 'sampling' });
    const heuristic = await enhance(cl, { method: 'heuristic' });
    expect(requests).toHaveLength(2);
    expect(r.generation).toMatchObject({
      method: 'heuristic',
      requested: 'sampling',
      model: null,
      attempts: 2,
    });
    expect(r.generation.fallback).toMatch(/did not match the schema.*twice/);
    const { generation: _a, ...draft } = r;
    const { generation: _b, ...expected } = heuristic;
    expect(draft).toEqual(expected);
  });

  it('retries once with the errors quoted, then uses the corrected answer', async () => {
    const { cl, requests } = await withModel(['{"acceptanceCriteria": []}', GOOD]);
    const r = await enhance(cl, { method: 'sampling' });
    expect(r.generation).toMatchObject({ method: 'sampling', attempts: 2, fallback: null });
    const retry = requests[1]!.params.messages[0]!.content as { text: string };
    expect(retry.text).toContain('Your previous answer was rejected');
  });
});
