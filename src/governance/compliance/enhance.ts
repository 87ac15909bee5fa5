/**
 * Drafting an item's acceptance criteria, technical notes and estimate from the configuration's
 * templates and the item's own words, without a model. Deterministic: the same item and
 * configuration give the same draft. The description it returns keeps every line of the original.
 */
import type { GovernanceConfig } from '../config/schema.js';
import type { ItemType } from '../model/work-item.js';
import { buildPolicy, nameOf, nearestTier, tierRange, type Tier, type TierRange } from './policy.js';
import {
  DRAFT_MARK,
  fillSections,
  parseSections,
  sectionItems,
  sectionKey,
  type SectionFill,
} from './sections.js';

export interface EnhanceRelative {
  id: string;
  type: ItemType;
  title: string;
  estimateDays?: number | null;
}

export interface EnhanceInput {
  item: EnhanceRelative & { description: string; estimateDays: number | null; agent: string | null };
  parent: EnhanceRelative | null;
  children: readonly EnhanceRelative[];
  config: GovernanceConfig;
}

export interface EnhanceDraft {
  acceptanceCriteria: string[];
  technicalNotes: string[];
  estimate: TierRange;
  confidence: number;
  description: string;
}

/** Keyword families: words that hint at a kind of work, and what that work usually needs. */
const FAMILIES: { words: RegExp; criterion: string; note: string; complex?: boolean }[] = [
  {
    words: /\b(api|endpoint|rest|graphql|webhook|request)s?\b/i,
    criterion: 'Invalid input is rejected with a documented error response',
    note: 'Define the request and response schema first; keep the API backward compatible',
  },
  {
    words: /\b(ui|page|screen|form|button|view|dialog)s?\b/i,
    criterion: 'Loading, empty and error states are handled in the UI',
    note: 'Check keyboard navigation and screen-reader labels',
  },
  {
    words: /\b(auth\w*|security|permissions?|secrets?|encrypt\w*|tokens?|login)\b/i,
    criterion: 'Unauthorised access is refused, and a test proves it',
    note: 'Have the change reviewed for security; never log secrets or tokens',
    complex: true,
  },
  {
    words: /\b(migrat\w*|schema|database|db|data model)\b/i,
    criterion: 'Existing data is preserved, and the migration can be rolled back',
    note: 'Run the migration against a copy of production-sized data first',
    complex: true,
  },
  {
    words: /\b(performance|latency|fast\w*|scal\w*|cache|caching)\b/i,
    criterion: 'Performance is measured against an agreed target',
    note: 'Add a benchmark that records the figure before and after',
    complex: true,
  },
  {
    words: /\b(integrat\w*|third[- ]party|provider|payments?|sync\w*)\b/i,
    criterion: 'Failures of the external system are retried or reported, never silently dropped',
    note: 'Fake the external system at its HTTP boundary in tests',
    complex: true,
  },
  {
    words: /\b(docs?|document\w*|readme|guide)\b/i,
    criterion: 'The documentation is updated and reviewed',
    note: 'Link the updated documentation from the item',
  },
];

const AC_SECTION = 'acceptance criteria';
const NOTES_SECTION = 'technical notes';
const MAX_LISTED_CHILDREN = 12;

export function enhanceWithTemplates(input: EnhanceInput): EnhanceDraft {
  const { item, config } = input;
  const policy = buildPolicy(config, '1970-01-01');
  const name = nameOf(policy, item.type, item.title);
  const text = `${item.title}\n${item.description}`;
  const families = FAMILIES.filter((f) => f.words.test(text));
  const existing = sectionItems(item.description, AC_SECTION);
  const acceptanceCriteria =
    existing.length > 0
      ? existing
      : generatedCriteria(
          input,
          name,
          families.map((f) => f.criterion),
        );
  const technicalNotes = [
    ...families.map((f) => f.note),
    ...(input.parent ? [`Part of ${input.parent.type} ${input.parent.id} "${input.parent.title}"`] : []),
    ...(item.agent ? [`Assigned to ${item.agent}`] : []),
  ];
  if (technicalNotes.length === 0) technicalNotes.push(defaultNote(input));
  const { tier, confidence } = estimateTier(
    input,
    families.some((f) => f.complex),
  );
  return {
    acceptanceCriteria,
    technicalNotes,
    estimate: tierRange(config, tier),
    confidence,
    description: draftDescription(input, acceptanceCriteria, technicalNotes),
  };
}

/**
 * The item's description (its type's description template when empty) with every required
 * section, and every empty template section, given content; nothing already there is removed.
 */
export function draftDescription(
  input: EnhanceInput,
  ac: readonly string[],
  notes: readonly string[],
): string {
  const { item, config } = input;
  const name = nameOf(buildPolicy(config, '1970-01-01'), item.type, item.title);
  const base =
    item.description.trim() === '' ? config.templates[item.type].descriptionTemplate : item.description;
  return fillSections(base, draftSections(input, name, ac, notes));
}

/** A note for work no keyword says anything about: how to cut it. */
function defaultNote({ item, children, config }: EnhanceInput): string {
  const max = config.generation.estimation.simple.maxDays;
  if (item.type === 'task') return 'Keep the change small enough to review in one sitting';
  const kind = item.type === 'epic' ? 'feature' : 'task';
  return children.length > 0
    ? `Deliver the ${children.length} ${kind}(s) one at a time; each is reviewed on its own`
    : `Break it down into ${kind}s${item.type === 'feature' ? ` of at most ${max} days each` : ''}`;
}

function generatedCriteria(input: EnhanceInput, name: string, fromFamilies: string[]): string[] {
  const { item, children } = input;
  const out: string[] = [];
  if (item.type === 'task') out.push(`${name} is done as described in ${item.id}`);
  else if (children.length === 0) out.push(`${name} is delivered and demonstrated`);
  for (const c of children.slice(0, MAX_LISTED_CHILDREN))
    out.push(`${c.type === 'feature' ? 'Feature' : 'Task'} "${c.title}" is done`);
  if (children.length > MAX_LISTED_CHILDREN)
    out.push(`The other ${children.length - MAX_LISTED_CHILDREN} child items are done`);
  out.push(...fromFamilies);
  if (!fromFamilies.some((c) => /documentation/.test(c)) || fromFamilies.length > 1) {
    out.push('Automated tests cover the new behaviour and pass in CI');
  }
  return out;
}

/** From the children's estimates when they have some, else the item's own, else size and keywords. */
function estimateTier(input: EnhanceInput, complexWords: boolean): { tier: Tier; confidence: number } {
  const { item, children, config } = input;
  const estimated = children.filter((c) => typeof c.estimateDays === 'number');
  if (estimated.length > 0) {
    const sum = estimated.reduce((a, c) => a + (c.estimateDays ?? 0), 0);
    return { tier: nearestTier(config, sum), confidence: estimated.length === children.length ? 0.7 : 0.55 };
  }
  if (item.estimateDays !== null) return { tier: nearestTier(config, item.estimateDays), confidence: 0.6 };
  const order: Tier[] = ['simple', 'medium', 'complex'];
  let size = item.type === 'task' ? 0 : item.type === 'feature' ? 1 : 2;
  if (item.type === 'feature' && children.length > 5) size++;
  if (complexWords) size++;
  if (item.description.length > 2000) size++;
  const thin = item.description.trim().length < 40;
  return { tier: order[Math.min(size, 2)]!, confidence: thin ? 0.3 : 0.4 };
}

/** Content for every required section and every empty template section the draft can fill. */
function draftSections(
  input: EnhanceInput,
  name: string,
  ac: readonly string[],
  notes: readonly string[],
): SectionFill[] {
  const { item, config, parent, children } = input;
  const template = config.templates[item.type];
  // A written description only gets what the policy requires; an empty one the whole template.
  const names = [
    ...config.compliance.requiredDocumentation[item.type],
    ...template.requiredSections,
    ...(item.description.trim() === '' ? parseSections(template.descriptionTemplate).map((s) => s.key) : []),
  ];
  const summary =
    `${name}${parent ? `, part of ${parent.type} ${parent.id} "${parent.title}"` : ''}.` +
    (children.length > 0
      ? ` ${children.length} ${item.type === 'epic' ? 'feature' : 'task'}(s) break it down.`
      : '');
  const fills: SectionFill[] = [];
  for (const n of names) {
    const key = sectionKey(n);
    const shown = displayName(n, template.descriptionTemplate);
    const lines =
      key === AC_SECTION
        ? ac.map((c) => `- [ ] ${c}`)
        : key === NOTES_SECTION
          ? notes.map((t) => `- ${t}`)
          : /goal|objective|outcome/.test(key)
            ? [
                `- ${name} is delivered${
                  children.length > 0
                    ? `: ${children
                        .slice(0, 5)
                        .map((c) => c.title)
                        .join(', ')}`
                    : ''
                }`,
              ]
            : /overview|description|summary|context|scope|background/.test(key)
              ? [summary]
              : [`- ${DRAFT_MARK} ${shown}: to be written for ${name}`];
    fills.push({ name: shown, lines });
  }
  return fills;
}

/** The section name as the template spells it, so new headings match the house style. */
function displayName(name: string, templateText: string): string {
  const key = sectionKey(name);
  const line = templateText.split('\n').find((l) => sectionKey(l.replace(/^#+\s*/, '')) === key);
  return line ? line.replace(/^#+\s*/, '').trim() : name;
}
