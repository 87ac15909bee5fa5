import { describe, expect, it } from 'vitest';
import { decomposeSpec, type PlanItem, type SpecPlan } from '../../../src/governance/decompose/index.js';
import {
  detectDependencies,
  stripDependencies,
  titleLabel,
} from '../../../src/governance/decompose/dependencies.js';

const plan = (spec: string) => decomposeSpec(spec, { now: '2025-05-10' });

/** Headings by their title, tasks by their spec line (task titles are reworded). */
function nameOf(spec: string, it: PlanItem): string {
  if (it.type !== 'task') return it.title;
  return spec.split('\n')[it.source.startLine - 1]!.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '');
}

/** `from -> to` for every link, a synthetic feature standing for nothing (its epic is linked). */
function links(spec: string, p: SpecPlan = plan(spec)): string[] {
  const byId = new Map(p.items.map((i) => [i.id, i]));
  return p.links.map((l) => `${nameOf(spec, byId.get(l.fromId)!)} -> ${nameOf(spec, byId.get(l.toId)!)}`);
}

const depCodes = (p: SpecPlan) =>
  p.warnings.filter((w) => w.code.startsWith('DEPENDENCY.')).map((w) => w.code);

const lines = (...ls: string[]) => ls.join('\n') + '\n';

/** Two features under one epic, the second saying `sentence`. */
const pair = (first: string, sentence: string, second = 'Reports') =>
  lines('## Product', `### ${first}`, 'Stores the records.', `### ${second}`, sentence, '- draw charts');

describe('dependency phrases', () => {
  it.each([
    ['depends on', 'Depends on Billing.'],
    ['dependent on', 'This work is dependent on Billing.'],
    ['blocked by', 'Blocked by Billing (needs invoices).'],
    ['requires', 'Requires Billing, because charts read invoices.'],
    ['after', 'Starts after Billing is live.'],
    ['builds on', 'Builds on Billing: the same tables.'],
    ['built on', 'It is built on Billing.'],
    ['follows', 'Follows Billing.'],
    ['once X is done', 'Can start once Billing is done.'],
    ['prerequisites:', '*Prerequisites: Billing.*'],
    ['Dependencies: field', '**Dependencies:** Billing'],
    ['bold target', 'Depends on **Billing**.'],
    ['markdown link by text', 'Depends on [Billing](./billing.md).'],
  ])('%s', (_name, sentence) => {
    const spec = pair('Billing', sentence);
    expect(links(spec)).toEqual(['Reports -> Billing']);
  });

  it('a Dependencies: field lists several targets', () => {
    const spec = lines(
      '## Product',
      '### Billing',
      'Invoices.',
      '### Accounts',
      'Users.',
      '### Reports',
      'Dependencies: Billing, Accounts',
      '- draw charts',
    );
    expect(links(spec)).toEqual(['Reports -> Billing', 'Reports -> Accounts']);
  });

  it.each([
    ['"Dependencies: none" names nothing', 'Dependencies: none'],
    ['a hyphenated word is not "after"', 'Sends the Retry-After header.'],
    ['"at-least-once" is not "once"', 'At-least-once delivery of Billing events.'],
    ['"once" needs the target to be done', 'Runs once Billing events arrive in order, daily.'],
  ])('%s', (_name, sentence) => {
    expect(links(pair('Billing', sentence))).toEqual([]);
  });
});

describe('dependency targets', () => {
  it('tries the whole phrase before its parts', () => {
    const spec = lines(
      '## Product',
      '### Accounts and teams',
      'Who is who.',
      '### Teams',
      'Team pages.',
      '### Billing',
      'Depends on Accounts and teams.',
      '- invoices',
    );
    expect(links(spec)).toEqual(['Billing -> Accounts and teams']);
  });

  it('splits on commas, "and", "&" when the whole phrase names nothing', () => {
    const spec = lines(
      '## Product',
      '### Accounts',
      'Who is who.',
      '### Teams',
      'Team pages.',
      '### Audit log',
      'Every change.',
      '### Billing',
      'Depends on Accounts, Teams & Audit log and on nothing else.',
      '- invoices',
    );
    expect(links(spec)).toEqual(['Billing -> Accounts', 'Billing -> Teams', 'Billing -> Audit log']);
  });

  it.each([
    ['Capability:', '### Capability: Shared todo lists', 'Depends on Shared todo lists.'],
    ['Feature: in the target', '### Shared todo lists', 'Depends on Feature: Shared todo lists.'],
    ['both labelled', '### Capability: Shared todo lists', 'Builds on Capability: Shared todo lists.'],
    ['Epic:', '### Epic: Shared todo lists', 'Blocked by Shared todo lists (membership).'],
    ['Phase 2:', '### Phase 2: Shared todo lists', 'Requires Shared todo lists.'],
    ['Module -', '### Module - Shared todo lists', 'Requires Shared todo lists.'],
    ['the label alone', '### Phase 2 — Shared todo lists', 'Requires Phase 2 exit criteria signed off.'],
    ['an id label', '### C1. Shared todo lists', 'Requires C1. Shared todo lists: lists first.'],
    ['an id label alone', '### C1. Shared todo lists', 'Comes after C1, because lists come first.'],
  ])('label prefix: %s', (_name, heading, sentence) => {
    const spec = lines('## Product', heading, 'Lists.', '### Reminders', sentence, '- send reminders');
    // The target's title is its heading without a type prefix, an id moved to the end.
    const title = heading
      .slice(4)
      .replace(/^Epic: /, '')
      .replace(/^(C1)\. (.*)$/, '$2 ($1)');
    expect(links(spec)).toEqual([`Reminders -> ${title}`]);
  });

  it('resolves a link to an anchor by its slug', () => {
    const spec = lines(
      '## Product',
      '### Capability: Shared todo lists',
      'Lists.',
      '### Reminders',
      'Depends on [the lists above](#capability-shared-todo-lists).',
      '- send reminders',
    );
    expect(links(spec)).toEqual(['Reminders -> Capability: Shared todo lists']);
  });

  it('a sentence that starts with a title is about that item', () => {
    const spec = lines(
      '## Product',
      '### Devices',
      'The registry. Telemetry depends on Devices: readings from unknown devices are refused.',
      '### Telemetry',
      'Readings.',
      '- ingest readings',
    );
    expect(links(spec)).toEqual(['Telemetry -> Devices']);
  });

  it('a phrase in a task links the task', () => {
    const spec = lines('## Product', '### Export', '- write CSV', '- upload the file (after write CSV)');
    expect(links(spec)).toEqual(['upload the file (after write CSV) -> write CSV']);
  });

  it.each([
    ['prose "after lunch"', 'Deploys run after lunch on Fridays.'],
    ['prose "requires care"', 'Handling refunds requires care when amounts differ.'],
    ['a one-word title inside a longer name', 'Requires lunch orders service access.'],
  ])('only resolves against item titles: %s', (_name, sentence) => {
    const spec = lines(
      '## Product',
      '### Lunch',
      'Menu.',
      '### Care plans',
      'Plans.',
      '### Reports',
      sentence,
      '- draw charts',
    );
    const p = plan(spec);
    expect(links(spec, p)).toEqual([]);
    expect(depCodes(p)).toEqual([]);
  });

  it('reports an explicit dependency that names nothing, not a weak one', () => {
    const p = plan(pair('Billing', 'Depends on Nonexistent thing. Requires some paper.'));
    expect(p.links).toEqual([]);
    expect(depCodes(p)).toEqual(['DEPENDENCY.UNRESOLVED']);
  });

  it('never links an item to its ancestor', () => {
    const spec = lines('## Billing', '### Invoices', 'Depends on Billing.', '- render PDF');
    const p = plan(spec);
    expect(p.links).toEqual([]);
    expect(depCodes(p)).toEqual(['DEPENDENCY.HIERARCHY']);
  });

  it('never links to a heading without work', () => {
    const p = plan(lines('## Product', '### Billing', '### Reports', 'Depends on Billing.', '- charts'));
    expect(p.links).toEqual([]);
    expect(depCodes(p)).toEqual(['DEPENDENCY.UNRESOLVED']);
  });

  it('prefers a sibling, then the same epic, else reports the ambiguity', () => {
    const spec = lines(
      '## Web',
      '### Setup',
      'Web setup.',
      '### Pages',
      'Depends on Setup.',
      '- pages',
      '## Mobile',
      '### Setup',
      'Mobile setup.',
      '## Ops',
      '### Deploy',
      'Depends on Setup.',
      '- deploy',
    );
    const p = plan(spec);
    const setup = p.items.filter((i) => i.title === 'Setup');
    expect(p.links.map((l) => l.toId)).toEqual([setup[0]!.id]);
    expect(p.warnings).toContainEqual({
      code: 'DEPENDENCY.AMBIGUOUS',
      message: expect.any(String),
      line: 12,
    });
  });
});

describe('ordered sections', () => {
  it.each([
    ['Phase N', ['Phase 1: Schema', 'Phase 2: Backfill', 'Phase 3: Cutover']],
    ['Stage with ordinal words', ['Stage one — Pilot', 'Stage two — Region', 'Stage three — All']],
    ['Step, numbers out of order', ['Step 2: Train', 'Step 1: Collect', 'Step 3: Serve']],
    ['Milestone', ['Milestone 1', 'Milestone 2', 'Milestone 3']],
    ['Sprint', ['Sprint 1 - Login', 'Sprint 2 - Profile', 'Sprint 3 - Billing']],
    ['Wave, roman numerals', ['Wave I: North', 'Wave II: South', 'Wave III: East']],
  ])('%s: each depends on the one before', (_name, titles) => {
    const spec = titles.map((t) => `## ${t}\n- do ${t}\n`).join('');
    const byNumber = [...titles].sort((a, b) => titleLabel(a)!.number! - titleLabel(b)!.number!);
    expect(links(spec)).toEqual(
      [`${byNumber[1]} -> ${byNumber[0]}`, `${byNumber[2]} -> ${byNumber[1]}`].sort(
        (a, b) => titles.indexOf(a.split(' -> ')[0]!) - titles.indexOf(b.split(' -> ')[0]!),
      ),
    );
  });

  it('links features at their level, under the same parent only', () => {
    const spec = lines(
      '## Migration',
      '### Phase 1: Shadow',
      '- shadow writes',
      '### Phase 2: Backfill',
      '- backfill',
      '## Rollout',
      '### Phase 3: Flip',
      '- flip',
    );
    expect(links(spec)).toEqual(['Phase 2: Backfill -> Phase 1: Shadow']);
  });

  it('a section that names the one it follows replaces the default order', () => {
    const spec = lines(
      '## Milestone 1: Rosters',
      '- sync rosters',
      '## Milestone 2: Courses',
      '- course shells',
      '## Milestone 3: Messaging',
      'Requires Milestone 1 rosters for audiences.',
      '- messages',
    );
    expect(links(spec)).toEqual([
      'Milestone 2: Courses -> Milestone 1: Rosters',
      'Milestone 3: Messaging -> Milestone 1: Rosters',
    ]);
  });

  it.each([
    ['numbered headings', ['1. Foundations', '2. Reports', '3. Billing']],
    ['quarters', ['Q1: Foundations', 'Q2: Reports', 'Q3: Billing']],
    ['workstreams', ['Workstream 1: Web', 'Workstream 2: Mobile', 'Workstream 3: Ops']],
  ])('%s are no order', (_name, titles) => {
    expect(links(titles.map((t) => `## ${t}\n- do ${t}\n`).join(''))).toEqual([]);
  });
});

describe('dependency tables', () => {
  it('links the first cell of each row to its Depends on cell', () => {
    const spec = lines(
      '## Product',
      '### Rosters',
      'Sync.',
      '### Courses',
      'Shells.',
      '### Gradebook',
      'Grades.',
      '',
      '| Feature | Depends on | Notes |',
      '|---|---|---|',
      '| Courses | Rosters | builds on |',
      '| Gradebook | Courses, Rosters | after |',
      '| Unknown | Rosters | ignored |',
    );
    expect(links(spec)).toEqual(['Courses -> Rosters', 'Gradebook -> Courses', 'Gradebook -> Rosters']);
  });

  it('ignores tables without a dependency column', () => {
    const spec = lines(
      '## Product',
      '### Rosters',
      'Sync.',
      '### Courses',
      '',
      '| A | B |',
      '|---|---|',
      '| Courses | Rosters |',
    );
    expect(plan(spec).links).toEqual([]);
  });
});

describe('detectDependencies / stripDependencies', () => {
  it('keeps the text after the word and the sentence before it', () => {
    const [p] = detectDependencies('The registry. Telemetry depends on Devices: no unknown readings.');
    expect(p).toMatchObject({ before: 'Telemetry', text: 'Devices: no unknown readings.', strong: true });
    expect(p!.targets).toEqual(['Devices: no unknown readings']);
  });

  it('strips the dependency clause from text used for other signals', () => {
    expect(stripDependencies('Build the page (depends on Security review)')).toBe('Build the page ( )');
    expect(stripDependencies('Build the page')).toBe('Build the page');
  });
});

describe('a dependencies section', () => {
  it('links the items its sentences name, subject by the title it begins, and never the item it is kept in', () => {
    const spec = lines(
      '# Mobile backlog',
      '## Must have',
      '- Offline mode for the reading list',
      '- Widget showing today’s articles',
      '- Crash reports',
      '## Dependencies',
      '- Widget requires Offline mode',
      '- Offline mode depends on the sync API of the platform team',
      '- Everything builds on Crash reports',
    );
    expect(links(spec)).toEqual(['Widget showing today’s articles -> Offline mode for the reading list']);
  });
});
