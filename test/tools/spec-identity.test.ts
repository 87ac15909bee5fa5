import { describe, expect, it } from 'vitest';
import {
  defaultSpecId,
  isGenericTitle,
  RELATED_MIN,
  slugify,
  specSimilarity,
} from '../../src/governance/model/spec-identity.js';
import { specUri } from '../../src/resources/uris.js';
import { useSharedClient, ws, type BackendName, type Connected } from '../helpers/mcp.js';

const AS_OF = '2027-02-10';

const apply = (c: Connected, text: string, extra: Record<string, unknown> = {}) =>
  c.ok('apply_spec', { workspace: ws(), text, asOf: AS_OF, dryRun: false, ...extra });
const titles = async (c: Connected): Promise<string[]> =>
  (await c.ok('get_item_tree', { workspace: ws(), limit: 100 })).items.map((i: { title: string }) => i.title);
const readSpec = async (c: Connected, specId: string) => {
  const r = await c.client.readResource({ uri: specUri(ws(), specId) });
  return JSON.parse((r.contents[0] as { text: string }).text) as { specId: string; version: number };
};

describe.each<BackendName>(['sqlite', 'postgres'])('spec identity on %s', (backend) => {
  const c = useSharedClient({ backend });

  it.each([
    {
      name: 'two specs titled "# PRD"',
      first: '# PRD\n\n## Login\n\n- Sign up\n',
      second: '# PRD\n\n## Checkout\n\n- Pay by card\n',
      ids: [/^prd-[0-9a-f]{10}$/, /^prd-[0-9a-f]{10}$/],
    },
    {
      name: 'two specs with no heading',
      first: '- Sign up\n- Sign in\n',
      second: '- Pay by card\n- Refund a payment\n',
      ids: [/^spec-[0-9a-f]{10}$/, /^spec-[0-9a-f]{10}$/],
    },
    {
      name: 'two Chinese titles',
      first: '# 用户登录\n\n## 注册\n\n- 邮箱注册\n',
      second: '# 购物车结算\n\n## 支付\n\n- 银行卡支付\n',
      ids: [/^用户登录$/, /^购物车结算$/],
    },
    {
      name: 'two Japanese titles',
      first: '# ログイン機能\n\n## 登録\n\n- メールで登録する\n',
      second: '# 決済機能\n\n## 支払い\n\n- カードで支払う\n',
      ids: [/^ログイン機能$/, /^決済機能$/],
    },
    {
      name: 'a generic title in Chinese',
      first: '# 需求文档\n\n## 登录\n\n- 邮箱注册\n',
      second: '# 需求文档\n\n## 支付\n\n- 银行卡支付\n',
      ids: [/^需求文档-[0-9a-f]{10}$/, /^需求文档-[0-9a-f]{10}$/],
    },
  ])('$name get two ids and keep both tasks', async ({ first, second, ids }) => {
    const a = await apply(c(), first);
    const b = await apply(c(), second);
    expect(a.spec.specId).toMatch(ids[0]!);
    expect(b.spec.specId).toMatch(ids[1]!);
    expect(b.spec.specId).not.toBe(a.spec.specId);
    expect(b).toMatchObject({ updated: [], spec: { version: 1, newVersion: true } });
    const firstTask = first.trim().split('\n').at(-1)!.replace(/^- /, '');
    const secondTask = second.trim().split('\n').at(-1)!.replace(/^- /, '');
    expect(await titles(c())).toEqual(expect.arrayContaining([`Task: ${firstTask}`, `Task: ${secondTask}`]));
    // Both stored, both readable under their (percent-encoded) resource URIs.
    expect((await readSpec(c(), a.spec.specId)).specId).toBe(a.spec.specId);
    expect((await readSpec(c(), b.spec.specId)).specId).toBe(b.spec.specId);
  });

  it('gives a generic-titled text the same id every time it is applied', async () => {
    const text = '# PRD\n\n## Login\n\n- Sign up\n';
    const a = await apply(c(), text);
    const b = await apply(c(), `${text}\n\n`);
    expect(b.spec.specId).toBe(a.spec.specId);
    expect(b).toMatchObject({ created: [], updated: [] });
  });

  it.each([true, false])(
    'takes an edit of a generic-titled spec, applied without specId, as its next version (dryRun %s)',
    async (dryRun) => {
      const v1 = '# PRD\n\n## Login\n\n- Sign up\n- Sign in\n- Reset a password\n- Sign out\n';
      const other = '# PRD\n\n## Checkout\n\n- Pay by card\n- Refund a payment\n';
      const a = await apply(c(), v1);
      await apply(c(), other);
      const edited = v1.replace('- Sign out\n', '- Sign out of every device\n');
      const r = dryRun
        ? await c().ok('apply_spec', { workspace: ws(), text: edited, asOf: AS_OF, dryRun: true })
        : await apply(c(), edited);
      expect(r.spec).toMatchObject({ specId: a.spec.specId, version: 2, newVersion: true });
      if (!dryRun) {
        // One task retitled in place, none duplicated.
        expect(r.created).toEqual([]);
        const all = await titles(c());
        expect(all.filter((t) => t.startsWith('Task: Sign out'))).toEqual(['Task: Sign out of every device']);
      }
    },
  );

  const STORED = '# Checkout\n\n## Payments\n\n- Pay by card\n- Refund a payment\n- Send a receipt\n';
  const UNRELATED = '# Checkout\n\n## Warehouse\n\n- Print pick lists\n- Ship parcels\n- Count stock\n';
  const EDITED = STORED.replace('- Send a receipt', '- Send a receipt by email');

  it.each([true, false])('refuses an unrelated text under the default id (dryRun %s)', async (dryRun) => {
    await apply(c(), STORED);
    const seq = await c().auditSeq();
    const f = await c().failure('apply_spec', { workspace: ws(), text: UNRELATED, asOf: AS_OF, dryRun });
    expect(f.code).toBe('SPEC.UNRELATED');
    expect(f.hint).toContain('specId: "checkout"');
    expect(f.details).toMatchObject({ specId: 'checkout', version: 1, threshold: 0.2 });
    expect(f.details?.similarity).toBeLessThan(0.2);
    expect(await c().auditSeq()).toBe(seq);
    expect(await titles(c())).toEqual(
      expect.arrayContaining(['Task: Pay by card', 'Task: Refund a payment']),
    );
    expect(await titles(c())).not.toContain('Task: Ship parcels');
  });

  it('accepts an edit of the stored spec under the default id', async () => {
    await apply(c(), STORED);
    const r = await apply(c(), EDITED);
    expect(r.spec).toMatchObject({ specId: 'checkout', version: 2, newVersion: true });
  });

  it('replaces the stored spec with an unrelated text when specId is passed on purpose', async () => {
    await apply(c(), STORED);
    const r = await apply(c(), UNRELATED, { specId: 'checkout' });
    expect(r.spec).toMatchObject({ specId: 'checkout', version: 2, newVersion: true });
    expect((await readSpec(c(), 'checkout')).version).toBe(2);
    expect(await titles(c())).toContain('Task: Ship parcels');
  });

  it.each([
    { before: STORED, after: EDITED, unrelated: false },
    { before: STORED, after: UNRELATED, unrelated: true },
    {
      before: '# PRD\n\n## Login\n\n- Sign up\n',
      after: '# PRD\n\n## Checkout\n\n- Pay by card\n',
      unrelated: true,
    },
  ])('diff_spec says whether two texts are versions of one spec ($unrelated)', async (row) => {
    const d = await c().ok('diff_spec', { before: row.before, after: row.after, asOf: AS_OF });
    expect(d.unrelated).toBe(row.unrelated);
    expect(d.similarity).toBeGreaterThanOrEqual(0);
    expect(d.similarity).toBeLessThanOrEqual(1);
  });
});

describe('spec ids', () => {
  it.each([
    ['Checkout — Payments (v2)', 'checkout-payments-v2'],
    ['Café Menü', 'cafe-menu'],
    ['用户登录 / 注册', '用户登录-注册'],
    ['ＦＵＬＬ　ｗｉｄｔｈ', 'full-width'],
    ['हिन्दी विनिर्देश', 'हिन्दी-विनिर्देश'],
    ['!!!', ''],
  ])('slugify(%j) is %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it.each([
    ['PRD', true],
    ['Product Requirements Document', true],
    ['The PRD v2', true],
    ['README', true],
    ['Untitled', true],
    ['仕様書', true],
    ['', true],
    ['Checkout PRD', false],
    ['Checkout', false],
  ])('isGenericTitle(%j) is %s', (title, generic) => {
    expect(isGenericTitle(title)).toBe(generic);
  });

  it.each([
    ['# Checkout\n- Pay by card\n', '# Checkout\n- Pay by card or PayPal\n', true],
    ['# PRD\n## Login\n- Sign up\n', '# PRD\n## Checkout\n- Pay by card\n', false],
    ['# 结算\n## 支付\n- 银行卡支付\n', '# 结算\n## 支付\n- 银行卡支付和退款\n', true],
    ['# 结算\n## 支付\n- 银行卡支付\n', '# 结算\n## 仓库\n- 打印拣货单\n', false],
  ])('relates %j and %j: %s', (a, b, related) => {
    expect(specSimilarity(a, b) >= RELATED_MIN).toBe(related);
  });

  it('hashes the content of a generic-titled text only', () => {
    expect(defaultSpecId('Checkout', 'a')).toBe(defaultSpecId('Checkout', 'b'));
    expect(defaultSpecId('PRD', '# PRD\n- a')).not.toBe(defaultSpecId('PRD', '# PRD\n- b'));
    expect([...defaultSpecId('x'.repeat(100), '')].length).toBeLessThanOrEqual(64);
  });
});
