import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enhanceWithTemplates, type EnhanceInput } from '../../../src/governance/compliance/enhance.js';
import { fillSections, missingSections, sectionItems } from '../../../src/governance/compliance/sections.js';
import { DEFAULT_CONFIG } from '../../../src/governance/config/defaults.js';

describe('missingSections', () => {
  it.each([
    { md: '## Acceptance criteria\n- x', missing: [] },
    { md: '### acceptance criteria:\n\n1. x', missing: [] },
    { md: '**Acceptance criteria**\n- x', missing: [] },
    { md: 'Acceptance criteria:\n- x', missing: [] },
    { md: '', missing: ['Acceptance criteria'] },
    { md: '## Acceptance criteria\n\n## Notes\n- x', missing: ['Acceptance criteria'] },
    { md: '## Acceptance criteria\nTBD', missing: ['Acceptance criteria'] },
    { md: '## Acceptance criteria\n- (draft) later', missing: ['Acceptance criteria'] },
    { md: '## Acceptance criteria\n### Happy path\n- x', missing: [] },
    { md: '```\n## Acceptance criteria\n- x\n```', missing: ['Acceptance criteria'] },
    // A fence closes only on its own character: the ``` inside ~~~ is code, the heading after is not.
    { md: '~~~\n```\n~~~\n\n## Acceptance criteria\n- x', missing: [] },
    { md: 'We need acceptance criteria here.', missing: ['Acceptance criteria'] },
  ])('$md -> $missing', ({ md, missing }) => {
    expect(missingSections(md, ['Acceptance criteria'])).toEqual(missing);
  });
});

describe('fillSections', () => {
  it('closes a fence left open with its own delimiter before appending', () => {
    expect(fillSections('Intro\n~~~~\ncode', [{ name: 'Notes', lines: ['- a'] }])).toBe(
      'Intro\n~~~~\ncode\n~~~~\n\n## Notes\n\n- a\n',
    );
  });

  it('fills an empty heading in place and appends an absent one', () => {
    const out = fillSections('Intro.\n\n## Acceptance criteria\n\n## Other\ntext', [
      { name: 'Acceptance criteria', lines: ['- [ ] a'] },
      { name: 'Technical notes', lines: ['- n'] },
    ]);
    expect(out).toBe(
      'Intro.\n\n## Acceptance criteria\n\n- [ ] a\n\n## Other\ntext\n\n## Technical notes\n\n- n\n',
    );
    expect(sectionItems(out, 'acceptance criteria')).toEqual(['a']);
  });

  it('never removes or reorders a line, and leaves no filled section missing', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '## Acceptance criteria',
        '## Notes',
        'Acceptance criteria:',
        '```',
        '',
        'TBD',
        '- item',
      ),
      fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n') && !s.includes('\r')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 15 }), (lines) => {
        const md = lines.join('\n');
        const fills = [
          { name: 'Acceptance criteria', lines: ['- [ ] works'] },
          { name: 'Technical notes', lines: ['- careful'] },
        ];
        const out = fillSections(md, fills).split('\n');
        // Every original line (trailing whitespace of the whole text aside) is kept, in order.
        const original = md.replace(/\s+$/, '').split(/\r?\n/);
        let at = 0;
        for (const l of out) if (at < original.length && l === original[at]) at++;
        expect(at === original.length || original.join('') === '').toBe(true);
        expect(missingSections(out.join('\n'), ['Acceptance criteria', 'Technical notes'])).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

const input = (
  patch: Partial<EnhanceInput['item']> = {},
  rest: Partial<EnhanceInput> = {},
): EnhanceInput => ({
  item: {
    id: 'F-2',
    type: 'feature',
    title: 'Payment API',
    description: '',
    estimateDays: null,
    agent: null,
    ...patch,
  },
  parent: { id: 'E-1', type: 'epic', title: 'Checkout' },
  children: [
    { id: 'T-3', type: 'task', title: 'Charge card', estimateDays: 2 },
    { id: 'T-4', type: 'task', title: 'Refund', estimateDays: 3 },
  ],
  config: DEFAULT_CONFIG,
  ...rest,
});

describe('enhanceWithTemplates', () => {
  it('fills every required section of the type and is deterministic', () => {
    const d = enhanceWithTemplates(input());
    const required = [
      ...DEFAULT_CONFIG.templates.feature.requiredSections,
      ...DEFAULT_CONFIG.compliance.requiredDocumentation.feature,
    ];
    expect(missingSections(d.description, required)).toEqual([]);
    expect(d.acceptanceCriteria).toEqual(
      expect.arrayContaining(['Task "Charge card" is done', 'Task "Refund" is done']),
    );
    expect(d.technicalNotes).toEqual(expect.arrayContaining(['Part of epic E-1 "Checkout"']));
    expect(enhanceWithTemplates(input())).toEqual(d);
  });

  it.each([
    { why: 'children estimates sum to 5: medium', i: input(), tier: 'medium', confidence: 0.7 },
    {
      why: 'own estimate 2: simple',
      i: input({ estimateDays: 2 }, { children: [] }),
      tier: 'simple',
      confidence: 0.6,
    },
    {
      why: 'plain task: simple',
      i: input(
        {
          type: 'task',
          title: 'Rename a field',
          description: 'Rename the x field to y in the settings dialog.',
        },
        { children: [] },
      ),
      tier: 'simple',
      confidence: 0.4,
    },
    {
      why: 'migration task: medium',
      i: input(
        {
          type: 'task',
          title: 'Migrate the orders table',
          description: 'Move orders to the new schema without downtime please.',
        },
        { children: [] },
      ),
      tier: 'medium',
      confidence: 0.4,
    },
  ])('estimate: $why', ({ i, tier, confidence }) => {
    const d = enhanceWithTemplates(i);
    expect(d.estimate).toEqual({ tier, ...DEFAULT_CONFIG.generation.estimation[tier as 'simple'] });
    expect(d.confidence).toBe(confidence);
  });

  it('keeps the existing text and criteria', () => {
    const description = 'Context first.\n\n## Acceptance criteria\n\n- [ ] refunds work\n';
    const d = enhanceWithTemplates(input({ description }));
    expect(d.description.startsWith(description.trimEnd())).toBe(true);
    expect(d.acceptanceCriteria).toEqual(['refunds work']);
    expect(d.description).toContain('## Technical notes');
  });

  it.each([
    {
      why: 'an empty description gets the whole template',
      description: '',
      headings: ['## Description', '## Acceptance criteria'],
    },
    {
      why: 'a written one only the required sections',
      description: 'Users log in.',
      headings: ['## Acceptance criteria'],
    },
  ])('task: $why', ({ description, headings }) => {
    const d = enhanceWithTemplates(
      input({ type: 'task', title: 'Task: Login', description }, { children: [] }),
    );
    expect(d.description.split('\n').filter((l) => l.startsWith('## '))).toEqual(headings);
    expect(
      missingSections(
        d.description,
        headings.map((h) => h.slice(3)),
      ),
    ).toEqual([]);
  });

  it('follows keywords: security work gets a security criterion and note', () => {
    const d = enhanceWithTemplates(input({ type: 'task', title: 'Encrypt stored tokens' }, { children: [] }));
    expect(d.acceptanceCriteria).toContain('Unauthorised access is refused, and a test proves it');
    expect(d.technicalNotes.some((n) => /security/.test(n))).toBe(true);
  });
});
