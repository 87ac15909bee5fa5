import { describe, expect, it } from 'vitest';
import { useSharedClient } from '../helpers/mcp.js';
import { CHECKOUT_SPEC } from '../fixtures/checkout-spec.js';

const c = useSharedClient();

const SPEC = CHECKOUT_SPEC;

describe('decompose_spec', () => {
  it('previews the plan with source lines, links and no change to the store', async () => {
    const before = await c().auditSeq();
    const r = await c().ok('decompose_spec', { text: SPEC, asOf: '2027-02-10' });
    expect(r.stats).toMatchObject({ epics: 1, features: 2, tasks: 4, links: 1 });
    expect(r.items.map((i: { type: string; title: string }) => [i.type, i.title])).toEqual([
      ['epic', 'Checkout'],
      ['feature', 'Payments'],
      ['task', 'Implement card payments API'],
      ['task', 'Test refunds end to end'],
      ['task', 'Encrypt stored card tokens, depends on Implement card payments API'],
      ['feature', 'Receipts'],
      ['task', 'Build receipt email template'],
    ]);
    const [epic, payments, api, refunds, encrypt] = r.items;
    expect(epic).toMatchObject({ milestone: 'Q1-2027-checkout', source: { startLine: 1, endLine: 14 } });
    expect(payments.acceptanceCriteria).toEqual(['A card payment settles within 5 seconds']);
    expect(api).toMatchObject({
      parentId: payments.id,
      priority: 'high',
      agent: 'agent:dev',
      source: { startLine: 5, endLine: 5 },
    });
    expect(refunds.agent).toBe('agent:qa');
    expect(encrypt.agent).toBe('agent:security');
    expect(r.links).toEqual([{ fromId: encrypt.id, kind: 'depends_on', toId: api.id, sourceLine: 7 }]);
    expect(r.nextCursor).toBeNull();
    expect(await c().auditSeq()).toBe(before);
  });

  it('is deterministic: the same spec gives the same ids', async () => {
    const a = await c().ok('decompose_spec', { text: SPEC, asOf: '2027-02-10' });
    const b = await c().ok('decompose_spec', { text: SPEC, asOf: '2027-02-10' });
    expect(b.items.map((i: { id: string }) => i.id)).toEqual(a.items.map((i: { id: string }) => i.id));
  });

  it('pages through a large plan exactly once', async () => {
    const text = Array.from(
      { length: 30 },
      (_, e) => `## Area ${e}\n\n${Array.from({ length: 5 }, (_, t) => `- Task ${e}.${t}`).join('\n')}\n`,
    ).join('\n');
    const all = await c().ok('decompose_spec', { text, asOf: '2027-02-10', limit: 500 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await c().ok('decompose_spec', {
        text,
        asOf: '2027-02-10',
        limit: 40,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i: { id: string }) => i.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    { name: 'empty', args: { text: '   \n\n' }, code: 'SPEC.EMPTY' },
    { name: 'binary', args: { text: 'PK\u0003\u0004\u0001\u0002\u0003binary' }, code: 'SPEC.BINARY' },
    { name: 'over 1 MiB', args: { text: 'é'.repeat(600_000) }, code: 'SPEC.TOO_LARGE' },
    { name: 'NUL byte', args: { text: 'a\u0000b' }, code: 'INPUT.INVALID' },
    { name: 'bad cursor', args: { text: SPEC, cursor: 'x' }, code: 'INPUT.INVALID' },
    { name: 'bad date', args: { text: SPEC, asOf: 'tomorrow' }, code: 'INPUT.INVALID' },
  ])('refuses $name with $code', async ({ args, code }) => {
    expect(await c().err('decompose_spec', args)).toBe(code);
  });
});

describe('diff_spec', () => {
  it('reports only what the edit changed', async () => {
    const after = SPEC.replace(
      '- Test refunds end to end\n',
      '- Test refunds and chargebacks end to end\n',
    ).replace('- Build receipt email template\n', '- Build receipt email template\n- Send receipts as PDF\n');
    const r = await c().ok('diff_spec', { before: SPEC, after, asOf: '2027-02-10' });
    expect(r.added.map((i: { title: string }) => i.title).sort()).toEqual([
      'Send receipts as PDF',
      'Test refunds and chargebacks end to end',
    ]);
    expect(r.removed.map((i: { title: string }) => i.title)).toEqual(['Test refunds end to end']);
    expect(r.truncated).toBe(false);
  });

  it('finds no change between identical specs', async () => {
    const r = await c().ok('diff_spec', { before: SPEC, after: SPEC });
    expect(r).toMatchObject({
      added: [],
      removed: [],
      changed: [],
      moved: [],
      linksAdded: 0,
      linksRemoved: 0,
    });
  });

  it('refuses an empty side', async () => {
    expect(await c().err('diff_spec', { before: SPEC, after: '' })).toBe('SPEC.EMPTY');
  });
});
