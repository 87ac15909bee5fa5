/**
 * The parts of a GovernanceConfig the rules look up per item, computed once per check: pattern
 * regexes, label ownership, the estimation tiers and the fixed parts of their messages.
 */
import type { GovernanceConfig } from '../config/schema.js';
import { ITEM_TYPES, type ItemType } from '../model/work-item.js';
import { requiredSectionKeys, type RequiredSection } from './sections.js';

export const TIERS = ['simple', 'medium', 'complex'] as const;
export type Tier = (typeof TIERS)[number];

export interface Policy {
  config: GovernanceConfig;
  /** ISO date `YYYY-MM-DD` overdue checks compare with. */
  today: string;
  titleRe: Record<ItemType, RegExp>;
  milestoneRe: RegExp;
  /** Lower-cased label name -> the config path that defines it. */
  knownLabels: Map<string, string>;
  /** Lower-cased type label -> its item type. */
  typeLabels: Map<string, ItemType>;
  /** Lower-cased agent label -> the agent id. */
  agentLabels: Map<string, string>;
  /** Per item type, what its rules compare with. */
  types: Record<ItemType, TypePolicy>;
  /** describeTiers(config). */
  tiers: string;
  /** The configured agent ids, comma-separated. */
  agentList: string;
}

/** One item type's template and documentation settings, prepared for the per-item rules. */
export interface TypePolicy {
  /** The title pattern's text before and after `{name}`, and both lower-cased. */
  titleBefore: string;
  titleAfter: string;
  titleBeforeLower: string;
  titleAfterLower: string;
  /** compliance.requiredDocumentation, then templates.requiredSections, each section once. */
  sections: readonly RequiredSection[];
  /** Lower-cased compliance.requiredDocumentation names. */
  documented: ReadonlySet<string>;
  /** templates.defaultLabels with their lower-cased forms. */
  defaultLabels: readonly { label: string; lower: string }[];
  /** What a title.pattern finding says after the title. */
  titleTail: string;
  /** A labels.required finding of an item without any default label: message after the id, fix before it. */
  allLabelsMissing: { message: string; fix: string };
}

/**
 * Labels the server writes itself, so never unknown to a configuration: the spec planner's
 * (`spec:synthetic`, `spec:split`, `spec:checked`, `moscow:*`, `size:*`) and the task importers'
 * (`speckit`, `speckit:*`, `parallel`, `taskmaster:*`, `import:*`).
 */
const SERVER_LABEL_PREFIXES = ['spec:', 'moscow:', 'size:', 'import:', 'speckit:', 'taskmaster:'] as const;
const SERVER_LABELS = new Set(['speckit', 'parallel']);

/** True for a label the server writes itself (lower-cased or not). */
export const isServerLabel = (label: string): boolean => isLowerServerLabel(label.toLowerCase());

/** isServerLabel of a label already lower-cased. */
export function isLowerServerLabel(l: string): boolean {
  if (SERVER_LABELS.has(l)) return true;
  for (const prefix of SERVER_LABEL_PREFIXES) if (l.startsWith(prefix)) return true;
  return false;
}

/** A string for a message, JSON-quoted, cut to 80 characters. */
/** Characters JSON.stringify escapes in a string (a surrogate only when unpaired, which it tells). */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as a JSON literal, cut at 80 characters. Most need no escape: those are just wrapped. */
export const quote = (s: string): string => {
  const t = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  return NEEDS_ESCAPE.test(t) ? JSON.stringify(t) : `"${t}"`;
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex for a pattern whose placeholders stand for the given sub-expressions. */
function patternRe(pattern: string, parts: Record<string, string>): RegExp {
  const src = pattern
    .split(/(\{[^{}]*\})/)
    .map((chunk) => {
      const name = /^\{([^{}]*)\}$/.exec(chunk)?.[1];
      return name !== undefined && parts[name] ? parts[name] : escapeRe(chunk);
    })
    .join('');
  return new RegExp(`^${src}$`, 'iu');
}

export function buildPolicy(config: GovernanceConfig, today: string): Policy {
  const titleRe = Object.fromEntries(
    ITEM_TYPES.map((t) => [t, patternRe(config.templates[t].titlePattern, { name: '\\S.*' })]),
  ) as Record<ItemType, RegExp>;
  const milestoneRe = patternRe(config.milestones.namingPattern, {
    quarter: '[1-4]',
    year: '\\d{4}',
    epic_name: '\\S.*',
  });
  const knownLabels = new Map<string, string>();
  const typeLabels = new Map<string, ItemType>();
  const agentLabels = new Map<string, string>();
  for (const t of ITEM_TYPES) {
    typeLabels.set(config.labels.type[t].name.toLowerCase(), t);
    knownLabels.set(config.labels.type[t].name.toLowerCase(), `labels.type.${t}`);
  }
  for (const [p, l] of Object.entries(config.labels.priority)) {
    knownLabels.set(l.name.toLowerCase(), `labels.priority.${p}`);
  }
  for (const [agent, l] of Object.entries(config.labels.agent)) {
    agentLabels.set(l.name.toLowerCase(), agent);
    knownLabels.set(l.name.toLowerCase(), `labels.agent.${agent}`);
  }
  for (const t of ITEM_TYPES) {
    for (const l of config.templates[t].defaultLabels) {
      if (!knownLabels.has(l.toLowerCase())) knownLabels.set(l.toLowerCase(), `templates.${t}.defaultLabels`);
    }
  }
  const types = Object.fromEntries(
    ITEM_TYPES.map((t): [ItemType, TypePolicy] => {
      const [before = '', after = ''] = config.templates[t].titlePattern.split('{name}');
      const documentation = config.compliance.requiredDocumentation[t];
      return [
        t,
        {
          titleBefore: before,
          titleAfter: after,
          titleBeforeLower: before.toLowerCase(),
          titleAfterLower: after.toLowerCase(),
          sections: requiredSectionKeys([...documentation, ...config.templates[t].requiredSections]),
          documented: new Set(documentation.map((s) => s.toLowerCase())),
          defaultLabels: config.templates[t].defaultLabels.map((label) => ({
            label,
            lower: label.toLowerCase(),
          })),
          titleTail: ` does not follow templates.${t}.titlePattern ${quote(config.templates[t].titlePattern)}`,
          allLabelsMissing: {
            message: ` lacks label(s) ${config.templates[t].defaultLabels.join(', ')} (templates.${t}.defaultLabels)`,
            fix: `Add label(s) ${config.templates[t].defaultLabels.join(', ')} to `,
          },
        },
      ];
    }),
  ) as Record<ItemType, TypePolicy>;
  return {
    config,
    today,
    titleRe,
    milestoneRe,
    knownLabels,
    typeLabels,
    agentLabels,
    types,
    tiers: describeTiers(config),
    agentList: Object.keys(config.agents).join(', '),
  };
}

/**
 * The milestone title milestones.namingPattern gives an epic today: the quarter and year of
 * `policy.today`, the epic's name as a slug (as the spec planner names the milestones it plans).
 */
export function milestoneTitleFor(policy: Policy, epicTitle: string): string {
  const month = Number(policy.today.slice(5, 7)) || 1;
  const slug =
    nameOf(policy, 'epic', epicTitle)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'epic';
  return policy.config.milestones.namingPattern
    .replaceAll('{quarter}', String(Math.floor((month - 1) / 3) + 1))
    .replaceAll('{year}', policy.today.slice(0, 4))
    .replaceAll('{epic_name}', slug);
}

/** `name` put into a title pattern, e.g. `Feature: Cart`. */
/** Title patterns split at `{name}`, as the configuration names a handful. */
const patternParts = new Map<string, string[]>();

export function applyTitlePattern(pattern: string, name: string): string {
  let parts = patternParts.get(pattern);
  if (parts === undefined) {
    parts = pattern.split('{name}');
    if (patternParts.size < 64) patternParts.set(pattern, parts);
  }
  return parts.length === 2 ? parts[0]! + name + parts[1]! : parts.join(name);
}

/** The `{name}` part of a title that follows the pattern, else the title itself. */
export const nameOf = (policy: Policy, type: ItemType, title: string): string =>
  nameOfTrimmed(policy, type, title.trim());

/** nameOf of a title already trimmed. */
export function nameOfTrimmed(policy: Policy, type: ItemType, t: string): string {
  const tp = policy.types[type];
  if (policy.titleRe[type].test(t)) {
    const lower = t.toLowerCase();
    if (lower.startsWith(tp.titleBeforeLower) && lower.endsWith(tp.titleAfterLower))
      return t.slice(tp.titleBefore.length, t.length - tp.titleAfter.length).trim() || t;
  }
  return t;
}

export interface TierRange {
  tier: Tier;
  minDays: number;
  maxDays: number;
}

export const tierRange = (config: GovernanceConfig, tier: Tier): TierRange => ({
  tier,
  ...config.generation.estimation[tier],
});

/** The tier whose range holds `days`, or undefined when it falls between, below or above them. */
export function tierOf(config: GovernanceConfig, days: number): Tier | undefined {
  const e = config.generation.estimation;
  for (const t of TIERS) if (days >= e[t].minDays && days <= e[t].maxDays) return t;
  return undefined;
}

/** The tier closest to `days` (a gap goes to the nearer bound, ties to the smaller tier). */
export function nearestTier(config: GovernanceConfig, days: number): Tier {
  let best: Tier = 'simple';
  let bestDistance = Infinity;
  for (const t of TIERS) {
    const r = config.generation.estimation[t];
    const d = days < r.minDays ? r.minDays - days : days > r.maxDays ? days - r.maxDays : 0;
    if (d < bestDistance) {
      best = t;
      bestDistance = d;
    }
  }
  return best;
}

export const describeTiers = (config: GovernanceConfig): string =>
  TIERS.map((t) => {
    const r = config.generation.estimation[t];
    return `${t} ${r.minDays}-${r.maxDays}`;
  }).join(', ');

/** Sections an item of each type must document: its template's and compliance's, once each. */
export function requiredSections(c: GovernanceConfig): Record<ItemType, string[]> {
  return Object.fromEntries(
    ITEM_TYPES.map((t) => [
      t,
      [...new Set([...c.templates[t].requiredSections, ...c.compliance.requiredDocumentation[t]])],
    ]),
  ) as Record<ItemType, string[]>;
}
