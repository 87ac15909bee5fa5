/**
 * What the rules make of sections that hold no work and of work written as structure: non-work
 * sections give no task (their text goes to the item they belong to, metrics become criteria),
 * a container section's sub-sections are the epics, code blocks of endpoints, tables, interfaces,
 * rules and services give one task per unit, a story's labelled parts attach to it, prose sections
 * give a task per paragraph, and every requirement line still lands in exactly one item.
 */
import { describe, expect, it } from 'vitest';
import {
  coverage,
  decomposeSpec,
  type PlanItem,
  type SpecPlan,
} from '../../../src/governance/decompose/index.js';
import { headingName, nonWorkKind } from '../../../src/governance/decompose/sections.js';
import { scanLines } from '../../../src/governance/decompose/scan.js';
import { codeUnits, tableTask } from '../../../src/governance/decompose/structure.js';

const plan = (text: string) => decomposeSpec(text, { now: '2027-01-10' });
const tasks = (p: SpecPlan) => p.items.filter((i) => i.type === 'task');
const of = (p: SpecPlan, type: PlanItem['type']) =>
  p.items.filter((i) => i.type === type).map((i) => i.title);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
/** The deepest item whose range holds the line. */
const holder = (p: SpecPlan, line: number) => {
  const depth = { epic: 0, feature: 1, task: 2 };
  let best: PlanItem | undefined;
  for (const it of p.items)
    if (
      it.source.startLine <= line &&
      line <= it.source.endLine &&
      (!best || depth[it.type] > depth[best.type])
    )
      best = it;
  return best;
};
const covered = (text: string, p: SpecPlan) =>
  expect(coverage(text, p)).toMatchObject({ ratio: 1, overlapping: [], outsideParent: [], missingText: [] });

describe('section names', () => {
  it.each([
    ['Executive summary', 'context'],
    ['2. Goals and Non-Goals', 'context'],
    ['Out of scope', 'context'],
    ['Future possibilities', 'context'],
    ['📚 References', 'context'],
    ['Appendix C: Glossary', 'context'],
    ['Document history', 'context'],
    ['Table of contents', 'context'],
    ['Phase 3+: Future implementation', 'context'],
    ['Success metrics', 'criteria'],
    ['KPIs (2027)', 'criteria'],
    ['Non-functional requirements', 'criteria'],
    ['Open questions', 'questions'],
    ['Unresolved questions', 'questions'],
    ['Risks & mitigations', 'risks'],
    ['Release plan', 'context'],
    ['2.2 Non-functional', 'criteria'],
    ['Scope', null],
    ['Payments', null],
    ['Phase 1: Foundations', null],
    ['Background and motivation', 'context'],
    ['Summary of changes to the API client', null],
    ['Goal tracking dashboard', null],
    ['Capability: Shared lists', null],
  ])('"%s" is %s', (heading, kind) => {
    expect(nonWorkKind(heading)).toBe(kind);
  });

  it('names a heading without numbering, emoji, emphasis or a trailing note', () => {
    expect(headingName('1.2 **Goals** *(mandatory)*')).toBe('goals');
    expect(headingName('✅ Risks:')).toBe('risks');
  });
});

describe('non-work sections', () => {
  const spec = [
    '# Team lists',
    '',
    '**Owner**: Priya · **Status**: draft',
    '',
    '## Executive summary',
    '',
    '- **Projected savings**: $2M a year',
    '',
    '## Goals',
    '',
    '- Make ownership obvious',
    '',
    '## Sharing',
    '',
    '### Invitations',
    '',
    '- Invite a teammate by email',
    '',
    '### Out of scope',
    '',
    '- Public links',
    '',
    '## Success metrics',
    '',
    '- 40% of lists shared within a week',
    '',
    '## Open questions',
    '',
    '- Do guests count as seats?',
    '',
  ].join('\n');
  const p = plan(spec);

  it('makes no task from them, and keeps every line in one item', () => {
    expect(tasks(p).map((t) => t.title)).toEqual(['Invite a teammate by email']);
    expect(of(p, 'epic')).toEqual(['Sharing']);
    covered(spec, p);
  });

  it('puts their text in the item they belong to: the epic for the document, the feature for its own', () => {
    const epic = p.items.find((i) => i.type === 'epic')!;
    for (const line of ['**Owner**', 'Projected savings', 'Make ownership obvious', 'Do guests count'])
      expect(holder(p, lineOf(spec, line))).toBe(epic);
    expect(epic.description).toContain('Projected savings');
    // A non-work section beside the features belongs to their epic.
    expect(holder(p, lineOf(spec, 'Public links'))!.title).toBe('Sharing');
  });

  it('flags open questions once per section', () => {
    expect(p.warnings.filter((w) => w.code === 'SPEC.OPEN_QUESTIONS')).toEqual([
      expect.objectContaining({
        line: lineOf(spec, '## Open questions'),
        message: expect.stringMatching(/^1 open question/),
      }),
    ]);
  });

  it('makes success metrics acceptance criteria', () => {
    const epic = p.items.find((i) => i.type === 'epic')!;
    expect(epic.acceptanceCriteria).toContain('40% of lists shared within a week');
  });
});

describe('container sections and prose', () => {
  it('makes the sub-sections of a requirements or plan section the epics', () => {
    const spec =
      '# PRD\n\n## Goals\n\n- Faster lists\n\n## Functional requirements\n\n### Capability: Lists\n\n- Create a list\n\n### Capability: Sharing\n\n- Share a list\n';
    const p = plan(spec);
    expect(of(p, 'epic')).toEqual(['Capability: Lists', 'Capability: Sharing']);
    covered(spec, p);
  });

  it('makes each paragraph of a section written in prose a task', () => {
    const spec =
      '# Plan\n\n## Implementation plan\n\n### Step 1: Logging\n\nThe search service must log every result page. It keeps them 90 days.\n\n### Step 2: Features\n\nWe compute the features nightly.\nThey land in the feature store.\n';
    const p = plan(spec);
    expect(of(p, 'epic')).toEqual(['Step 1: Logging', 'Step 2: Features']);
    expect(tasks(p)).toHaveLength(2);
    expect(holder(p, lineOf(spec, 'They land'))!.type).toBe('task');
    covered(spec, p);
  });

  it('gives a section with criteria but no task one task for the work its heading names', () => {
    const spec = '## Stories\n\n### Publish a recipe\n\nAcceptance criteria:\n- a draft can be published\n';
    const p = plan(spec);
    const feature = p.items.find((i) => i.type === 'feature')!;
    expect(feature.acceptanceCriteria).toEqual(['a draft can be published']);
    expect(tasks(p).map((t) => t.parentId)).toEqual([feature.id]);
    covered(spec, p);
  });
});

describe('work written as structure', () => {
  it('cuts a code block of endpoints, tables, interfaces or rules into one task per unit', () => {
    const spec = [
      '## API',
      '',
      '### Endpoints',
      '',
      '```',
      'POST /api/v1/orders        create an order',
      'GET  /api/v1/orders/{id}   read one',
      '```',
      '',
      '### Schema',
      '',
      '```sql',
      'CREATE TABLE orders (',
      '  id BIGINT PRIMARY KEY',
      ');',
      'CREATE INDEX orders_created_idx ON orders (created_at);',
      '```',
      '',
      '### Core logic',
      '',
      '```',
      'WHEN order paid',
      '  VALIDATE stock',
      '  UPDATE order SET status = paid',
      '',
      'WHEN order cancelled',
      '  RELEASE stock',
      '```',
      '',
      '### Store',
      '',
      '```ts',
      'interface OrderStore {',
      '  get(id: string): Order;',
      '}',
      '```',
    ].join('\n');
    const p = plan(spec);
    const byFeature = (name: string) => {
      const f = p.items.find((i) => i.type === 'feature' && i.title === name)!;
      return tasks(p).filter((t) => t.parentId === f.id);
    };
    expect(byFeature('Endpoints').map((t) => t.title.toLowerCase())).toEqual([
      expect.stringContaining('post /api/v1/orders'),
      expect.stringContaining('get /api/v1/orders/{id}'),
    ]);
    expect(byFeature('Schema')).toHaveLength(2);
    expect(byFeature('Core logic')).toHaveLength(2);
    expect(byFeature('Store')).toHaveLength(1);
    // Each task carries its lines as a code block.
    expect(byFeature('Schema')[0]!.description).toMatch(/^```sql\nCREATE TABLE orders \(/);
    expect(holder(p, lineOf(spec, 'RELEASE stock'))).toBe(byFeature('Core logic')[1]);
    covered(spec, p);
  });

  it('leaves an example payload in the description', () => {
    const scan = scanLines('```json\n{ "id": 1 }\n```\n');
    expect(codeUnits(scan, 0)).toBeNull();
  });

  it('makes the services of a compose file and the jobs of a pipeline tasks', () => {
    const yaml =
      'x\n```yaml\nservices:\n  api:\n    image: a\n  worker:\n    image: b\nsteps:\n  - name: lint\n    run: x\n```\n';
    const units = codeUnits(scanLines(yaml), 1)!;
    expect(units.map((u) => u.title)).toEqual(['Configure api', 'Configure worker', 'Configure lint']);
  });

  it('makes a table row naming an endpoint a task', () => {
    expect(tableTask('| POST | `/v1/devices` | Register a device |')).toBe(
      'POST /v1/devices (Register a device)',
    );
    expect(tableTask('| Code | Meaning |')).toBeNull();
  });
});

describe('user stories and criteria', () => {
  it("attaches a story's acceptance and benefit to it instead of making tasks of them", () => {
    const spec =
      '## Lists\n\n### Assign\n\n- **Story**: As an owner I want to assign an item\n- **Acceptance**: the assignee is notified\n- **Benefit**: nobody wonders who owns it\n- Show overdue items in red\n';
    const p = plan(spec);
    expect(tasks(p)).toHaveLength(2);
    const story = tasks(p)[0]!;
    expect(story.acceptanceCriteria).toEqual(['the assignee is notified']);
    expect(story.description).toContain('nobody wonders who owns it');
    covered(spec, p);
  });

  it('reads MoSCoW sub-headings of an acceptance-criteria section as criteria, not features', () => {
    const spec =
      '## Board\n\n### Cards\n\n- Drag a card\n\n## Acceptance criteria\n\n### Must have\n\n- [ ] the board starts the server\n';
    const p = plan(spec);
    expect(of(p, 'feature')).toEqual(['Cards']);
    const epic = p.items.find((i) => i.type === 'epic')!;
    expect(epic.acceptanceCriteria.join(' ')).toContain('the board starts the server');
    covered(spec, p);
  });

  it('tells features named by a generic label apart by their epic', () => {
    const spec = '## Accounts\n\n### Must have\n\n- Sign up\n\n## Matchmaking\n\n### Must have\n\n- Queue\n';
    expect(of(plan(spec), 'feature')).toEqual(['Must have (Accounts)', 'Must have (Matchmaking)']);
  });
});

describe('restated work', () => {
  it('keeps a task stated twice once, citing the second statement', () => {
    const spec =
      '## Build\n\n### Platform\n\n- Set up the shared database cluster for all clinics\n- Add login\n\n### Staffing\n\n- Set up the shared database cluster for all clinics\n';
    const p = plan(spec);
    const same = tasks(p).filter((t) => /database cluster/i.test(t.title));
    expect(same).toHaveLength(1);
    expect(same[0]!.description).toContain(`Also stated at line ${lineOf(spec, '### Staffing') + 2}`);
    covered(spec, p);
  });
});

describe('list items that are no work', () => {
  it('keeps a dependency statement or an out-of-scope note in the description, not as a task', () => {
    const spec =
      '## Wallet\n\n### Vault migration\n\n- Write the migration job\n- Depends on Card carousel\n- Out of scope: crypto wallets\n\n### Card carousel\n\n- Show cards in a carousel\n';
    const p = plan(spec);
    expect(tasks(p).map((t) => t.title)).toEqual(['Write the migration job', 'Show cards in a carousel']);
    const vault = p.items.find((i) => i.title === 'Vault migration')!;
    expect(vault.description).toContain('Out of scope: crypto wallets');
    const carousel = p.items.find((i) => i.title === 'Card carousel')!;
    expect(p.links).toEqual([expect.objectContaining({ fromId: vault.id, toId: carousel.id })]);
    covered(spec, p);
  });
});

describe('sections that say they are no work here', () => {
  it.each([
    ['*This section describes what the /tasks command will do - DO NOT execute during /plan.*'],
    ['_These steps are beyond the scope of this document._'],
    ['> **For reference only.**'],
  ])('gives no task for a section opening with %j', (note) => {
    const spec = `## Billing\n\n### Invoices\n\n- Render invoices as PDF\n\n### Later steps\n\n${note}\n\n- Load the template and generate tasks\n- Order the tasks by dependency\n`;
    const p = plan(spec);
    expect(tasks(p).map((t) => t.title)).toEqual(['Render invoices as PDF']);
    expect(holder(p, lineOf(spec, 'Order the tasks'))?.type).not.toBe('task');
    covered(spec, p);
  });

  it('still reads a section whose note says nothing of the kind as work', () => {
    const spec =
      '## Billing\n\n### Invoices\n\n*Owned by the payments team.*\n\n- Render invoices as PDF\n- Send invoices monthly\n';
    expect(tasks(plan(spec)).map((t) => t.title)).toEqual([
      'Render invoices as PDF',
      'Send invoices monthly',
    ]);
  });

  it('keeps a scope statement in a prose section as context, not a task', () => {
    const spec =
      '## Ledger\n\n### Scope\n\n**In scope**: the general ledger, account balances and posting rules.\n\n### Dual write\n\n- Write every posting to both ledgers\n';
    const p = plan(spec);
    expect(tasks(p).map((t) => t.title)).toEqual(['Write every posting to both ledgers']);
    covered(spec, p);
  });
});

describe('criteria written for a whole epic', () => {
  const spec =
    '# Team chat\n\n## Channels\n\n- Create public and private channels\n- Archive a channel\n\n## Mentions\n\n- Notify a user when mentioned\n- Highlight mentions in the message list\n\n## Acceptance criteria\n\n- [ ] A private channel is invisible to non-members\n- [ ] An archived channel accepts no new messages\n- [ ] A mentioned user gets a push notification within 5 seconds\n- [ ] The app starts in under 2 seconds\n';

  it('are also the criteria of the one feature they speak about, and stay the epic’s', () => {
    const p = plan(spec);
    const ac = (title: string) => p.items.find((i) => i.title === title)!.acceptanceCriteria;
    expect(ac('Channels')).toEqual([
      'A private channel is invisible to non-members',
      'An archived channel accepts no new messages',
    ]);
    expect(ac('Mentions')).toEqual(['A mentioned user gets a push notification within 5 seconds']);
    expect(ac('Team chat')).toHaveLength(4);
    covered(spec, p);
  });

  it('go to no feature when two speak about them equally', () => {
    const p = plan(
      spec.replace('- [ ] The app starts', '- [ ] Channels and mentions load offline\n- [ ] The app starts'),
    );
    expect(
      p.items.filter((i) => i.acceptanceCriteria.includes('Channels and mentions load offline')),
    ).toEqual([expect.objectContaining({ type: 'epic' })]);
  });
});
