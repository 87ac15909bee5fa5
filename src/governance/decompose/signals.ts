/**
 * Word signals read from item text: priority (MoSCoW and priority words), size, explicit
 * estimates, capability keywords -> agent, milestone targets, dependency phrases, acceptance
 * criteria labels. All regexes are compiled once.
 */
import type { Priority } from '../model/work-item.js';
import type { SizeClass } from './options.js';

const AC_LABEL = '(?:acceptance criteria|success criteria|definition of done)';
/** `Acceptance criteria:` (bold or not) with the rest of the line, or the bare label. */
export const AC_LEAD_RE = new RegExp(
  `^[*_]{0,2}\\s*${AC_LABEL}\\s*[*_]{0,2}\\s*(?::\\s*[*_]{0,2}\\s*(.*)|[*_]{0,2}\\s*)$`,
  'i',
);

/** `Priority: high`, `Estimate: 3d`, `Milestone: Beta`, `Size: L` lines in a body. */
export const META_RE = /^[*_\s-]*(priority|estimate|effort|size|milestone|target)[*_]*\s*[:=][*_]*\s*(.+)$/i;

export interface PrioritySignal {
  priority: Priority;
  moscow: 'must' | 'should' | 'could' | 'wont' | null;
}

const P_EXPLICIT_RE = /\bpriority\s*[:=]?\s*(critical|highest|high|medium|normal|low|lowest|p[0-3])\b/i;
const P_PHRASE_RE = /\b(critical|high|medium|low)[- ]priority\b/i;
const P_LEVEL_RE = /(?:^|[\s([])p([0-3])(?=$|[\s)\],.:;])/i;
const P_CRITICAL_RE = /\b(critical|blocker|urgent|showstopper)\b/i;
const MOSCOW_RE =
  /\b(must(?:[- ]have)?|should(?:[- ]have)?|could(?:[- ]have)?|nice[- ]to[- ]have|won'?t(?:[- ]have)?|will not have)\b/i;

const LEVEL_PRIORITY: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
const WORD_PRIORITY: Record<string, Priority> = {
  critical: 'critical',
  highest: 'critical',
  high: 'high',
  medium: 'medium',
  normal: 'medium',
  low: 'low',
  lowest: 'low',
};

function priorityWord(w: string): Priority {
  const lw = w.toLowerCase();
  return lw.startsWith('p') ? LEVEL_PRIORITY[Number(lw[1])]! : (WORD_PRIORITY[lw] ?? 'medium');
}

/** Explicit priority words win over P-levels, then critical words, then MoSCoW. */
export function detectPriority(text: string): PrioritySignal | null {
  const moscow = MOSCOW_RE.exec(text);
  const tag = moscow ? moscowTag(moscow[1]!) : null;
  const explicit = P_EXPLICIT_RE.exec(text) ?? P_PHRASE_RE.exec(text);
  if (explicit) return { priority: priorityWord(explicit[1]!), moscow: tag };
  const level = P_LEVEL_RE.exec(text);
  if (level) return { priority: LEVEL_PRIORITY[Number(level[1])]!, moscow: tag };
  if (P_CRITICAL_RE.test(text)) return { priority: 'critical', moscow: tag };
  if (tag) return { priority: MOSCOW_PRIORITY[tag], moscow: tag };
  return null;
}

const MOSCOW_PRIORITY = { must: 'high', should: 'medium', could: 'low', wont: 'low' } as const;

function moscowTag(word: string): 'must' | 'should' | 'could' | 'wont' {
  const w = word.toLowerCase();
  if (w.startsWith('must')) return 'must';
  if (w.startsWith('should')) return 'should';
  if (w.startsWith('could') || w.startsWith('nice')) return 'could';
  return 'wont';
}

const SIZE_EXPLICIT_RE = /\bsize\s*[:=]\s*(xs|s|m|l|xl|xxl|small|simple|medium|large|complex)\b/i;
const TSHIRT_RE = /[([]\s*(xs|s|m|l|xl|xxl)\s*[)\]]/i;
const SIZE_COMPLEX_RE = /\b(complex|large|big|hard|difficult|major|huge|complicated|extensive)\b/i;
const SIZE_MEDIUM_RE = /\b(moderate|medium[- ]sized?|mid[- ]sized?)\b/i;
const SIZE_SIMPLE_RE = /\b(trivial|simple|small|easy|quick|minor|tiny|straightforward)\b/i;
const SIZE_WORD: Record<string, SizeClass> = {
  xs: 'simple',
  s: 'simple',
  small: 'simple',
  simple: 'simple',
  m: 'medium',
  medium: 'medium',
  l: 'complex',
  large: 'complex',
  complex: 'complex',
  xl: 'complex',
  xxl: 'complex',
};

export function detectSize(text: string): SizeClass | null {
  const m = SIZE_EXPLICIT_RE.exec(text) ?? TSHIRT_RE.exec(text);
  if (m) return SIZE_WORD[m[1]!.toLowerCase()] ?? null;
  if (SIZE_COMPLEX_RE.test(text)) return 'complex';
  if (SIZE_MEDIUM_RE.test(text)) return 'medium';
  if (SIZE_SIMPLE_RE.test(text)) return 'simple';
  return null;
}

const EST_RE = /\b(?:estimate|effort)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?|h|hrs?|hours?)?\b/i;
const EST_PAREN_RE = /[([]\s*(\d+(?:\.\d+)?)\s*(d|days?|w|weeks?|h|hours?)\s*[)\]]/i;

/** `estimate: 3d`, `effort 2 weeks`, `(4d)`: days, rounded to half days, in [0.5, 365]. */
export function detectEstimate(text: string): number | null {
  const m = EST_RE.exec(text) ?? EST_PAREN_RE.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? 'd').toLowerCase();
  const factor = unit.startsWith('w') ? 5 : unit.startsWith('h') ? 1 / 8 : 1;
  return clampDays(Number(m[1]) * factor);
}

export function clampDays(days: number): number {
  return Math.min(365, Math.max(0.5, Math.round(days * 2) / 2));
}

const QUARTER_RE = /\bQ([1-4])[\s\-/]*(?:FY)?(\d{4}|\d{2})\b|\b(\d{4})[\s\-/]*Q([1-4])\b/i;

export function detectQuarter(text: string): { quarter: number; year: number } | null {
  const m = QUARTER_RE.exec(text);
  if (!m) return null;
  if (m[1] !== undefined) {
    const y = Number(m[2]);
    return { quarter: Number(m[1]), year: y < 100 ? 2000 + y : y };
  }
  return { quarter: Number(m[4]), year: Number(m[3]) };
}

const NON_WORD_RE = /[^\p{L}\p{N}]+/u;

/** Capability keyword matcher: whole words, and word prefixes for keywords of 4+ letters. */
export class AgentMatcher {
  private readonly exact = new Map<string, number>();
  private readonly prefix = new Map<string, number>();
  /** First four letters of the prefix keywords: most words miss here and cost one lookup. */
  private readonly stems = new Set<string>();
  private maxPrefix = 0;

  constructor(private readonly agents: readonly (readonly [string, readonly string[]])[]) {
    agents.forEach(([, words], index) => {
      for (const w of words) {
        if (!this.exact.has(w)) this.exact.set(w, index);
        if (w.length >= 4 && !this.prefix.has(w)) {
          this.prefix.set(w, index);
          this.stems.add(w.slice(0, 4));
          this.maxPrefix = Math.max(this.maxPrefix, w.length);
        }
      }
    });
  }

  /** The best-scoring agent name, ties going to the earlier one in the configuration. */
  match(text: string): string | null {
    if (this.agents.length === 0) return null;
    const scores = new Array<number>(this.agents.length).fill(0);
    let any = false;
    for (const word of text.toLowerCase().split(NON_WORD_RE)) {
      let hit = this.exact.get(word);
      if (hit === undefined && (word.length <= 4 || !this.stems.has(word.slice(0, 4)))) continue;
      for (let n = Math.min(word.length - 1, this.maxPrefix); hit === undefined && n >= 4; n--) {
        hit = this.prefix.get(word.slice(0, n));
      }
      if (hit !== undefined) {
        scores[hit]!++;
        any = true;
      }
    }
    if (!any) return null;
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
    return this.agents[best]![0];
  }
}

export interface DependencyPhrase {
  targets: string[];
  /** `depends on` / `blocked by` (true) are meant as links; `requires` / `after` often are not. */
  strong: boolean;
}

const DEP_RE = /\b(depends on|dependent on|blocked by|requires|after)\b[\s:]+([^.;)\]\n]+)/gi;
const TARGET_SPLIT_RE = /\s*(?:,|\band\b|&)\s*/i;
const MD_LINK_RE = /\[([^\]]*)\]\([^)]*\)/g;
const TARGET_TRIM_RE = /^(?:the|an?)\s+|\s+(?:feature|task|epic|section|item|story|work)$/gi;

export function detectDependencies(text: string): DependencyPhrase[] {
  if (!DEP_HINT_RE.test(text)) return [];
  const out: DependencyPhrase[] = [];
  for (const m of text.replace(MD_LINK_RE, '$1').matchAll(DEP_RE)) {
    const targets = m[2]!
      .split(TARGET_SPLIT_RE)
      .map((t) =>
        t
          .replace(/[*_`"'“”]/g, '')
          .trim()
          .replace(TARGET_TRIM_RE, '')
          .trim(),
      )
      .filter((t) => t.length >= 2);
    if (targets.length > 0) out.push({ targets, strong: !/^(requires|after)$/i.test(m[1]!) });
  }
  return out;
}

const DEP_HINT_RE = /depend|blocked|requires|after/i;

/** The text without its dependency phrases (their targets' words say nothing about this item). */
export function stripDependencies(text: string): string {
  return DEP_HINT_RE.test(text) ? text.replace(DEP_RE, ' ') : text;
}
