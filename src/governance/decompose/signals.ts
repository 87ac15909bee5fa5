/**
 * Word signals read from item text: priority (MoSCoW and priority words), size, explicit
 * estimates, capability keywords -> agent, milestone targets, dependency phrases, acceptance
 * criteria labels. All regexes are compiled once.
 */
import type { Priority } from '../model/work-item.js';
import type { SizeClass } from './options.js';

const AC_LABEL =
  '(?:acceptance(?: criteria| scenarios| tests)?|success criteria|definition of done|exit criteria)';
/** `Acceptance criteria:` (bold or not) with the rest of the line, or the bare label. */
export const AC_LEAD_RE = new RegExp(
  `^[*_]{0,2}\\s*${AC_LABEL}\\s*[*_]{0,2}\\s*(?::\\s*[*_]{0,2}\\s*(.*)|[*_]{0,2}\\s*)$`,
  'i',
);

/**
 * Field lines in a body: `Priority: high`, `Estimate: 3d`, `Story points: 5`, `Size: L`,
 * `Milestone: Beta`… (bold or not). The key, lower-cased, and the rest of the line.
 */
export const META_RE =
  /^[*_\s-]*(priority|moscow|estimate|effort|story points|points|size|complexity|milestone|target)[*_]*\s*[:=][*_]*\s*(.+)$/i;

export type Moscow = 'must' | 'should' | 'could' | 'wont';

export interface PrioritySignal {
  priority: Priority;
  moscow: Moscow | null;
}

/*
 * Priority markers. A priority word counts only where it is used as a marker: a `Priority:` field,
 * a `high-priority` phrase, a bracketed tag (`[high]`, `(P0)`, `(Must)`), a leading label
 * (`Critical: …`, `Must: …`, `P1 …`), a trailing P-level or MoSCoW tag, or a whole heading that is
 * a MoSCoW bucket (`Must have`, `Won't have (this season)`). The same word inside a sentence
 * ("critical path", "Critical=Red", "high availability", "users must have") is prose.
 */
const LEVEL = String.raw`critical|highest|high|medium|normal|low|lowest|urgent|blocker|p[0-3]`;
const MOSCOW = String.raw`(?:must|should|could|won[’']?t|will not)(?:[- ]have)?|nice[- ]to[- ]have`;
const MOSCOW_HAVE = String.raw`(?:must|should|could|won[’']?t|will not)[- ]have|nice[- ]to[- ]have`;
/** What may follow a marker word: not `=` or a letter, so `Critical=Red` stays prose. */
const AFTER = String.raw`(?=$|[\s)\]}.,;:!|*_/—–])`;
const PRIORITY_MARKERS: readonly RegExp[] = [
  new RegExp(
    String.raw`\b(?:priority|moscow)[*_]*\s*(?:[:=]\s*[*_([]*\s*(?:(?<p>${LEVEL})|(?<m>${MOSCOW}))|(?<p2>p[0-3]))${AFTER}`,
    'i',
  ),
  new RegExp(String.raw`\b(?<p>critical|highest|high|medium|low|lowest)[- ]priority\b`, 'i'),
  new RegExp(String.raw`[([]\s*[*_]*(?:(?<p>${LEVEL})|(?<m>${MOSCOW}))[*_]*\s*[)\],;|]`, 'i'),
  new RegExp(String.raw`^[*_\s]*(?:(?<p>${LEVEL})|(?<m>${MOSCOW}))[*_]*\s*:`, 'i'),
  /^[*_\s[]*(?<p>p[0-3])[*_\]]*(?=\s|$)/i,
  /(?:^|\s)[*_]*(?<p>p[0-3])[*_]*\s*$/i,
  new RegExp(String.raw`^[*_\s]*(?<m>${MOSCOW_HAVE})\b`, 'i'),
  new RegExp(String.raw`[-–—|,]\s*[*_]*(?<m>${MOSCOW_HAVE})[*_]*\s*$`, 'i'),
  /^[*_\s]*(?<m>must|should|could|won[’']?t)[*_]*\s*$/i,
];
/** Texts without any of these letters cannot hold a marker (most titles: one test, no more). */
const PRIORITY_HINT_RE =
  /prio|moscow|must|should|could|won|will not|nice|crit|high|medium|normal|low|urgent|blocker|p[0-3]/i;

const LEVEL_PRIORITY: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
const WORD_PRIORITY: Record<string, Priority> = {
  critical: 'critical',
  highest: 'critical',
  urgent: 'critical',
  blocker: 'critical',
  high: 'high',
  medium: 'medium',
  normal: 'medium',
  low: 'low',
  lowest: 'low',
};
const MOSCOW_PRIORITY = { must: 'high', should: 'medium', could: 'low', wont: 'low' } as const;

function priorityWord(w: string): Priority {
  const lw = w.toLowerCase();
  return lw.length === 2 && lw[0] === 'p' ? LEVEL_PRIORITY[Number(lw[1])]! : (WORD_PRIORITY[lw] ?? 'medium');
}

function moscowTag(word: string): Moscow {
  const w = word.toLowerCase();
  if (w.startsWith('must')) return 'must';
  if (w.startsWith('should')) return 'should';
  if (w.startsWith('could') || w.startsWith('nice')) return 'could';
  return 'wont';
}

/**
 * The priority markers of one line (a title, or `priority: <field value>`). A level marker (a
 * priority word or P0-P3: P0 critical, P1 high, P2 medium, P3 low) sets the priority; a MoSCoW
 * marker sets the `moscow` tag, and the priority too when no level marker is present (Must high,
 * Should medium, Could and Won't low). Null when the line has no marker.
 */
export function detectPriority(text: string): PrioritySignal | null {
  if (!PRIORITY_HINT_RE.test(text)) return null;
  let level: string | undefined;
  let moscow: string | undefined;
  for (const re of PRIORITY_MARKERS) {
    const g = re.exec(text)?.groups;
    if (!g) continue;
    level ??= g.p ?? g.p2;
    moscow ??= g.m;
    if (level !== undefined && moscow !== undefined) break;
  }
  const tag = moscow === undefined ? null : moscowTag(moscow);
  if (level !== undefined) return { priority: priorityWord(level), moscow: tag };
  return tag === null ? null : { priority: MOSCOW_PRIORITY[tag], moscow: tag };
}

const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10 };
const ORDINAL_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const PHASE_RE =
  /^[*_\s]*(?:phase|stage|step|milestone|release|iteration|sprint|wave|increment|horizon)\s*[-#]?\s*(\d{1,3}|[ivx]{1,4}|zero|one|two|three|four|five|six|seven|eight|nine|ten)(?=$|[\s:.,;)(+*_—–-])/i;
const HORIZON_RE = /^[*_\s]*(now|next|later)[*_]*(?=\s*(?:$|[:(—–-]))/i;

function romanValue(s: string): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN[s[i]!]!;
    const next = i + 1 < s.length ? ROMAN[s[i + 1]!]! : 0;
    total += v < next ? -v : v;
  }
  return total;
}

/**
 * The ordinal of a title that names a stage of a sequence: `Phase 2: …`, `Step 3`, `Stage III`,
 * `Milestone 4`, `Sprint one`; `Now` / `Next` / `Later` are 1, 2, 3. Null otherwise.
 */
export function detectPhase(title: string): number | null {
  const m = PHASE_RE.exec(title);
  if (m) {
    const w = m[1]!.toLowerCase();
    if (/^\d/.test(w)) return Number(w);
    const word = ORDINAL_WORDS.indexOf(w);
    return word >= 0 ? word : romanValue(w);
  }
  const h = HORIZON_RE.exec(title);
  return h ? ['now', 'next', 'later'].indexOf(h[1]!.toLowerCase()) + 1 : null;
}

/** Phase order when nothing else says: phase 0 or 1 high, phase 2 medium, later phases low. */
export function phasePriority(ordinal: number): Priority {
  return ordinal <= 1 ? 'high' : ordinal === 2 ? 'medium' : 'low';
}

/*
 * Size markers: a `Size:` / `Complexity:` field, an upper-case T-shirt tag (`(L)`, `[XL]`), or a
 * bracketed size word (`(complex)`, `[small]`). Size words in a sentence are prose.
 */
const SIZE_WORD: Record<string, SizeClass> = {
  xs: 'simple',
  s: 'simple',
  small: 'simple',
  simple: 'simple',
  trivial: 'simple',
  tiny: 'simple',
  easy: 'simple',
  low: 'simple',
  m: 'medium',
  medium: 'medium',
  moderate: 'medium',
  l: 'complex',
  xl: 'complex',
  xxl: 'complex',
  large: 'complex',
  big: 'complex',
  complex: 'complex',
  hard: 'complex',
  huge: 'complex',
  high: 'complex',
};
const SIZE_FIELD_RE =
  /\b(?:size|complexity)[*_]*\s*[:=]\s*[*_]*(xxl|xl|xs|s|m|l|small|simple|trivial|tiny|easy|low|medium|moderate|large|big|complex|hard|huge|high)(?=$|[\s)\].,;*_])/i;
const TSHIRT_RE = /(?:^|\s)[([]\s*(XXL|XL|XS|S|M|L)\s*[)\]]/;
const SIZE_TAG_RE = /[([]\s*(small|simple|trivial|tiny|easy|moderate|large|big|complex|hard|huge)\s*[)\]]/i;

export function detectSize(text: string): SizeClass | null {
  const m = SIZE_FIELD_RE.exec(text) ?? TSHIRT_RE.exec(text) ?? SIZE_TAG_RE.exec(text);
  return m ? (SIZE_WORD[m[1]!.toLowerCase()] ?? null) : null;
}

/*
 * Estimate markers: an `Estimate:` / `Effort:` / `Story points:` field, a bracketed amount
 * (`(3d)`, `(2-3 days)`, `[5 pts]`), `~4h`, `3 pts` / `8 SP`, or a trailing `— 5 points` / `- 3d`.
 * A range counts as its middle. A number and a time word in a sentence ("for 30 days") is prose.
 */
const NUM = String.raw`(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?`;
const UNIT = String.raw`(hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mo|story points?|points?|pts?|sp)`;
/** Story points are converted at one ideal day per point. */
export const DAYS_PER_POINT = 1;
const EST_FIELD_RE = new RegExp(
  String.raw`\b(estimate|effort|story points|points)[*_]*\s*([:=])?\s*[*_]*~?\s*${NUM}\s*${UNIT}?\b`,
  'i',
);
const EST_MARKERS: readonly RegExp[] = [
  new RegExp(String.raw`[([]\s*~?\s*${NUM}\s*${UNIT}\s*[)\],;]`, 'i'),
  new RegExp(String.raw`[([][^()[\]]*[,;]\s*~?\s*${NUM}\s*${UNIT}\s*[)\]]`, 'i'),
  new RegExp(String.raw`(?:^|[\s(])~\s?${NUM}\s*${UNIT}\b`, 'i'),
  new RegExp(String.raw`\b${NUM}\s*(pts?|sp)\b`, 'i'),
  new RegExp(String.raw`[-–—:|,]\s*~?${NUM}\s*(points?|story points?|h|d|w)[*_.]*\s*$`, 'i'),
];
/** Texts without these cannot hold an estimate marker (a bare number is none). */
const EST_HINT_RE = /\d\s*(?:[hdwps]|mo)|estimate|effort|points/i;

function toDays(a: string, b: string | undefined, unit: string): number {
  const n = b === undefined ? Number(a) : (Number(a) + Number(b)) / 2;
  const u = unit.toLowerCase();
  const factor = u.startsWith('h')
    ? 1 / 8
    : u.startsWith('w')
      ? 5
      : u.startsWith('mo')
        ? 20
        : u.startsWith('p') || u.startsWith('s')
          ? DAYS_PER_POINT
          : 1;
  return clampDays(n * factor);
}

/** Days of the estimate marker in a line, rounded to half days, in [0.5, 365]; null without one. */
export function detectEstimate(text: string): number | null {
  if (!EST_HINT_RE.test(text)) return null;
  const f = EST_FIELD_RE.exec(text);
  // Without `:` a field needs its unit: "effort 2 teams" is prose.
  if (f && (f[2] !== undefined || f[5] !== undefined)) {
    return toDays(f[3]!, f[4], f[5] ?? (f[1]!.toLowerCase().includes('point') ? 'points' : 'd'));
  }
  for (const re of EST_MARKERS) {
    const m = re.exec(text);
    if (m) return toDays(m[1]!, m[2], m[3]!);
  }
  return null;
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

  /** A zeroed score per agent, in configuration order. */
  zero(): number[] {
    return new Array<number>(this.agents.length).fill(0);
  }

  /**
   * Adds `weight` to `into` for every keyword hit in `text`, per agent, and 1 to `also` when given
   * (one pass serves an item and its parent); returns `into`.
   */
  score(text: string, into: number[] = this.zero(), weight = 1, also?: number[]): number[] {
    if (this.agents.length === 0 || text === '') return into;
    for (const word of text.toLowerCase().split(NON_WORD_RE)) {
      let hit = this.exact.get(word);
      if (hit === undefined && (word.length <= 4 || !this.stems.has(word.slice(0, 4)))) continue;
      for (let n = Math.min(word.length - 1, this.maxPrefix); hit === undefined && n >= 4; n--) {
        hit = this.prefix.get(word.slice(0, n));
      }
      if (hit !== undefined) {
        into[hit]! += weight;
        if (also) also[hit]!++;
      }
    }
    return into;
  }

  /** The best-scoring agent name, ties going to the earlier one in the configuration; null at 0. */
  best(scores: readonly number[]): string | null {
    let best = -1;
    for (let i = 0; i < scores.length; i++) if (scores[i]! > (best < 0 ? 0 : scores[best]!)) best = i;
    return best < 0 ? null : this.agents[best]![0];
  }

  match(text: string): string | null {
    return this.best(this.score(text));
  }
}

export { detectDependencies, stripDependencies, type DependencyPhrase } from './dependencies.js';
