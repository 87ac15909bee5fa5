import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decomposeSpec } from '../../../src/governance/decompose/index.js';
import {
  actionTitle,
  FAST_TITLES_BYTES,
  MAX_TITLE,
  startsWithVerb,
} from '../../../src/governance/decompose/titles.js';

describe('actionTitle', () => {
  it.each([
    [
      'Task: **Development Investment**: $1.5M over 18 months',
      'Meet development investment: $1.5M over 18 months',
    ],
    ['Command pattern:', 'Implement command pattern'],
    [
      '✅ Database Infrastructure Setup (MongoDB, Supabase, Redis)',
      'Set up database infrastructure (MongoDB, Supabase, Redis)',
    ],
    ['POST /api/v1/orders', 'Implement POST /api/v1/orders'],
    [
      '`GET /admin/v1/templates` — list templates with their locales',
      'Implement GET /admin/v1/templates — list templates with their locales',
    ],
    ['POST /api/v1/orders        create an order', 'Implement POST /api/v1/orders (create an order)'],
    [
      '**P1**: `GET /api/v1/deliveries` supports cursor pagination (`?cursor=`, `limit` max 200).',
      'Ensure GET /api/v1/deliveries supports cursor pagination (?cursor=, limit max 200)',
    ],
    ['CREATE TABLE invoices', 'Create table invoices'],
    ['interface OrderStore {', 'Implement interface OrderStore'],
    ['[x] write the migration', 'Write the migration'],
    ['[ ] 🚧 Add retry to the webhook sender', 'Add retry to the webhook sender'],
    ['As a teacher I want to grade quizzes so that students get feedback sooner', 'Grade quizzes (teacher)'],
    ['As an admin, I need a dashboard of failed jobs', 'Add a dashboard of failed jobs (admin)'],
    [
      '**FR-001**: System MUST let a signed-in cook create, edit and publish a recipe.',
      'Let a signed-in cook create, edit and publish a recipe (FR-001)',
    ],
    [
      '**FR-008**: Users MUST be able to filter search results by total time, diet label and cuisine.',
      'Allow users to filter search results by total time, diet label and cuisine (FR-008)',
    ],
    ['R1. Users can reset their password', 'Allow users to reset their password (R1)'],
    ['Admins are able to revoke any token', 'Allow admins to revoke any token'],
    ['Guests are not allowed to edit shared lists', 'Ensure guests cannot edit shared lists'],
    ['The system must not store passwords in plain text', 'Do not store passwords in plain text'],
    ['The ingredient picker must stay usable', 'Ensure the ingredient picker stays usable'],
    ['1. Add login form', 'Add login form'],
    ['TODO: fix flaky test', 'Fix flaky test'],
    ['Feature: Dark mode', 'Implement dark mode'],
    [
      'Story: As a fleet manager I want to move a tracker to a different trailer',
      'Move a tracker to a different trailer (fleet manager)',
    ],
    ['❌ ~~Legacy SOAP bridge~~', 'Implement legacy SOAP bridge'],
    ['Payment of self-pay deposits via Stripe', 'Pay self-pay deposits via Stripe'],
    ['API Gateway Deployment', 'Deploy API gateway'],
    ['Configuration of alert thresholds', 'Configure alert thresholds'],
    ['Error handling', 'Handle error'],
    ['Login', 'Log in'],
    [
      'Who owns template translations for the Portuguese-speaking clinics?',
      'Decide: Who owns template translations for the Portuguese-speaking clinics?',
    ],
    [
      '**Given** a cook has selected the vegan label, **When** results are shown, **Then** no result contains an animal-derived ingredient.',
      'Verify no result contains an animal-derived ingredient when results are shown',
    ],
    [
      '**Event**: a fact emitted by a producer app, e.g. `appointment.booked`.',
      'Define event: a fact emitted by a producer app, e.g. appointment.booked',
    ],
    [
      '**Latency**: 95% of urgent events reach the adapter within 5 seconds.',
      'Meet latency: 95% of urgent events reach the adapter within 5 seconds',
    ],
    ['No-show rate ≤ 8% in pilot clinics', 'Meet no-show rate ≤ 8% in pilot clinics'],
    [
      'Recipe versions are stored as full JSON snapshots in `recipe_version`, not diffs.',
      'Ensure recipe versions are stored as full JSON snapshots in recipe_version, not diffs',
    ],
    ['Adding filters to the search page', 'Add filters to the search page'],
    [
      'P1 Account linking: merge a guest account into an existing platform account (4d)',
      'Merge a guest account into an existing platform account (account linking) (4d)',
    ],
    [
      'Multi-tenant clinic model (region → clinic → room → clinician)',
      'Implement multi-tenant clinic model (region → clinic → room → clinician)',
    ],
    [
      'See the [runbook](https://example.com/runbook) for *on-call* steps',
      'See the runbook for on-call steps',
    ],
    [
      'Validate ranges: temperature −40..+40 °C, battery 0..100. Reject the batch otherwise.',
      'Validate ranges: temperature −40..+40 °C, battery 0..100',
    ],
    [
      '21:15 — Stop the end-of-day batch scheduler on the mainframe',
      'Stop the end-of-day batch scheduler on the mainframe',
    ],
    ['Rate Limits', 'Implement rate limits'],
    ['✅ **用户登录**', '用户登录'],
    ['FR-3: ユーザー登録', 'ユーザー登録 (FR-3)'],
    ['Build Admin Dashboard', 'Build Admin Dashboard'],
    ['a', 'a'],
    ['Implement the cache (depends on Setup DB)', 'Implement the cache (depends on Setup DB)'],
    [
      'Support exporting every report in the analytics workspace to CSV, PDF and XLSX, including the scheduled ones that finance runs at the end of each month and the ad-hoc ones',
      'Support exporting every report in the analytics workspace to CSV, PDF and XLSX, including the scheduled ones that…',
    ],
  ])('%j -> %j', (text, title) => {
    expect(actionTitle(text)).toBe(title);
  });

  it('gives the same title for the same text, whatever was asked before', () => {
    const texts = ['Rate Limits', 'POST /v1/orders', 'As a cook I want to save recipes', 'Error handling'];
    const first = texts.map((t) => actionTitle(t));
    for (let i = 0; i < 50; i++) actionTitle(`Noise item ${i} setup`);
    expect(
      [...texts]
        .reverse()
        .map((t) => actionTitle(t))
        .reverse(),
    ).toEqual(first);
  });

  it('keeps titles within the limit, cut at a word', () => {
    const long = `Support ${'very '.repeat(60)}long exports`;
    const title = actionTitle(long);
    expect(title.length).toBeLessThanOrEqual(MAX_TITLE);
    expect(title).toMatch(/^Support very .* very…$/);
  });

  it('keeps the source text in the description when the title changed, and the id', () => {
    const spec = '## E\n### F\n- ✅ **Database Infrastructure Setup** (MongoDB)\n- Build the login form\n';
    const p = decomposeSpec(spec, { now: '2025-05-10' });
    const [setup, login] = p.items.filter((i) => i.type === 'task');
    expect(setup!.title).toBe('Set up database infrastructure (MongoDB)');
    expect(setup!.description.split('\n')[0]).toBe('✅ **Database Infrastructure Setup** (MongoDB)');
    expect(login!.title).toBe('Build the login form');
    expect(login!.description).toBe('');
    // Ids hash the source text: the same spec without the markup has another id, not this title's.
    const plain = decomposeSpec('## E\n### F\n- Set up database infrastructure (MongoDB)\n', {
      now: '2025-05-10',
    });
    expect(plain.items.find((i) => i.type === 'task')!.id).not.toBe(setup!.id);
  });
});

describe('task titles of the spec corpus', () => {
  const dir = join(import.meta.dirname, '../../fixtures/specs');
  const titles = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) => decomposeSpec(readFileSync(join(dir, f), 'utf8'), { now: '2025-05-10' }).items)
    .filter((i) => i.type === 'task')
    .map((i) => i.title);
  const share = titles.filter(startsWithVerb).length / Math.max(1, titles.length);

  it(`start with a verb for at least 90% of tasks (now ${(100 * share).toFixed(1)}% of ${titles.length})`, () => {
    expect(titles.length).toBeGreaterThan(0);
    expect(share).toBeGreaterThanOrEqual(0.9);
  });

  it('carry no markup, status mark, checkbox or trailing colon', () => {
    const bad = titles.filter((t) => /\*\*|`|^\[[ xX]\]|[✅❌🚧⏳🔄]|:$/u.test(t));
    expect(bad).toEqual([]);
  });
});

describe('titles of a large spec', () => {
  it('uses the fast rules over FAST_TITLES_BYTES: verb first, source kept, ids as the full rules give', () => {
    const section = (k: number) =>
      `## Area ${k}\n\n### Part ${k}\n\n- Database infrastructure setup for area ${k}\n- Export the area ${k} report as CSV\n- **Rate limits** for area ${k}\n`;
    const small = Array.from({ length: 3 }, (_, k) => section(k)).join('\n');
    let large = small;
    for (let k = 3; Buffer.byteLength(large) <= FAST_TITLES_BYTES; k++) large += `\n${section(k)}`;
    const tasksOf = (text: string) =>
      decomposeSpec(text, { now: '2027-01-10' }).items.filter((i) => i.type === 'task');
    const full = tasksOf(small);
    const fast = tasksOf(large).slice(0, full.length);
    expect(fast.map((t) => t.id)).toEqual(full.map((t) => t.id));
    expect(fast.map((t) => t.title)).toEqual([
      'Implement database infrastructure setup for area 0',
      'Export the area 0 report as CSV',
      'Rate limits for area 0',
      'Implement database infrastructure setup for area 1',
      'Export the area 1 report as CSV',
      'Rate limits for area 1',
      'Implement database infrastructure setup for area 2',
      'Export the area 2 report as CSV',
      'Rate limits for area 2',
    ]);
    // The full rules read the sentence: the setup becomes "Set up ...".
    expect(full[0]!.title).toMatch(/^Set up database infrastructure/);
    expect(fast[0]!.description).toContain('Database infrastructure setup for area 0');
  });
});
