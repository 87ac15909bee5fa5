/**
 * Dependency phrases -> `depends_on` links.
 *
 * Targets are read off the text after a dependency word by matching item titles: the longest run
 * of words that is a title wins (`Depends on Accounts and teams` names that item, not `Accounts`),
 * then `,` / `and` / `&` may name more. A heading matches by its title, by its title without
 * the label (`Capability: Shared todo lists` is `Shared todo lists`), or by a numbering label alone
 * (`Phase 2`, `C1`). A one-word title must end where the target does (`requires care when` names
 * no item `Care`), and `once X` needs `X is done`. When nothing matches, the first clause's
 * comma / `and` parts are tried one by one (and, for explicit phrases, the one title each is a
 * word prefix of). `[text](#anchor)` also names the heading of the anchor. A sentence that
 * starts with a title is about that item (`Telemetry Ingest depends on Devices`), else about the
 * item it is written in. Among several matches a sibling wins, then an item of the same epic;
 * otherwise the phrase is reported, not guessed. A table with a `Depends on` column links the
 * item of each row's first cell.
 *
 * Order: sibling sections numbered with a sequence word (`Phase`, `Stage`, `Step`, `Milestone`,
 * `Sprint`, `Wave`, `Iteration`) at the same level depend each on the one before, unless the
 * section itself names which section of that word it follows. Numbered headings (`2. Reports`)
 * and quarters are not an order of work: roadmaps list parallel tracks that way too.
 * Links never join an item and its ancestor (`DEPENDENCY.HIERARCHY`), nor a heading-only item.
 */
import { normOf, type Node } from './tree.js';
import { normalizeTitle } from './ids.js';
import {
  DEP_COLUMN_RE,
  LABEL_WORD_SET,
  SEQUENCE_WORDS,
  isWord,
  titleLabel,
  tokens,
  type DependencyPhrase,
  type TitleLabel,
} from './dependencies.js';
import type { PlanItem, PlanLink, PlanWarning } from './types.js';

/** The items a run of words names; `label`: by a numbering label (`Phase 2`). */
interface Hit {
  key: string;
  found: Node[];
  label: boolean;
}

/** Punctuation that ends a title: a title runs over `:`, `.`, `—` but not into a parenthesis. */
const KEY_STOP = new Set(['(', '[', ';', '!', '?', "'s"]);
const SEPARATORS = new Set([',', '&', '/', 'and', 'or', 'plus']);
const FILLERS = new Set(['the', 'a', 'an', 'on', 'upon', 'by', 'also', 'both', 'our', 'its']);
/** Words after which a one-word title has ended: `requires Export to finish`. */
const BOUNDARY = new Set([
  ...SEPARATORS,
  ...['is', 'are', 'was', 'were', 'has', 'have', 'had', 'be', 'been', 'being', 'will', 'can'],
  ...['lands', 'ships', 'exists', 'completes', 'first'],
]);
/** After an explicit phrase, a clause may follow too: `depends on Billing because …`. */
const STRONG_BOUNDARY = new Set([
  ...BOUNDARY,
  ...['because', 'since', 'as', 'for', 'to', 'so', 'which', 'that', 'before', 'when', 'once'],
]);
/** `once X ...`: X is then done or there. */
const DONE = new Set([
  ...['is', 'are', 'was', 'were', 'has', 'have', 'ships', 'ship', 'lands', 'land', 'exists'],
  ...['exist', 'completes', 'complete', 'completed', 'finishes', 'finished', 'done', 'ready'],
  ...['live', 'merged', 'released', 'goes', 'works'],
]);
/** Words between a subject and its dependency word: `Reports also depends on`. */
const SUBJECT_GAP = new Set(['also', 'only', 'still', 'directly', 'itself', 'then', 'strictly']);
const MODALS = new Set(['is', 'are', 'must', 'will', 'should', 'can', 'may', 'would']);
/** Longest title, in words, that text is matched against. */
const MAX_KEY_WORDS = 16;

type Bucket = Node | Node[];

function put(map: Map<string, Bucket>, key: string, n: Node): void {
  const b = map.get(key);
  if (b === undefined) map.set(key, n);
  else if (Array.isArray(b)) {
    if (!b.includes(n)) b.push(n);
  } else if (b !== n) map.set(key, [b, n]);
}

const list = (b: Bucket): Node[] => (Array.isArray(b) ? b : [b]);

/** The titles of the plan's work items, by every key a text may name them with. */
class TitleIndex {
  readonly titles = new Map<string, Bucket>();
  readonly labelKeys = new Map<string, Bucket>();
  readonly rests = new Map<string, Bucket>();
  /** Headings with a label (`Phase 2 —`, `Capability:`). */
  readonly labels = new Map<Node, TitleLabel>();
  /** Characters of the longest key: longer runs of words are not tried. */
  longest = 0;
  private sorted: string[] | null = null;

  constructor(nodes: readonly Node[], itemOf: ReadonlyMap<Node, PlanItem>) {
    for (const n of nodes) {
      // Parts 2.. share the title of part 1, a synthetic feature that of its epic; a child named
      // as its parent stands for it.
      if (n.part > 1 || (n.synthetic && n.type === 'feature') || !isWork(n) || !itemOf.has(n)) continue;
      const key = normOf(n);
      if (n.parent && normOf(n.parent) === key) continue;
      put(this.titles, key, n);
      if (key.length > this.longest) this.longest = key.length;
      // Labels are a heading convention; task lines that start with an id keep their whole title.
      if (n.type === 'task') continue;
      const label = titleLabel(n.baseTitle);
      if (!label) continue;
      this.labels.set(n, label);
      if (label.rest !== '') put(this.rests, label.rest, n);
      if (label.key !== null) put(this.labelKeys, label.key, n);
    }
  }

  /** Whole titles before numbering labels before titles without their label. */
  lookup(key: string): { found: Node[]; label: boolean } | null {
    const t = this.titles.get(key);
    if (t !== undefined) return { found: list(t), label: false };
    const l = this.labelKeys.get(key);
    if (l !== undefined) return { found: list(l), label: true };
    const r = this.rests.get(key);
    return r === undefined ? null : { found: list(r), label: false };
  }

  /** The only title that starts with `key` as whole words; none when several do. */
  prefix(key: string): Node[] {
    if (key.length < 3) return [];
    const sorted = (this.sorted ??= [...this.titles.keys()].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    let match: string | null = null;
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(key); i++) {
      if (sorted[i]![key.length] !== ' ') continue;
      if (match !== null) return [];
      match = sorted[i]!;
    }
    return match === null ? [] : list(this.titles.get(match)!);
  }
}

const epicOf = (n: Node): Node => {
  let cur = n;
  while (cur.parent) cur = cur.parent;
  return cur;
};

function isAncestor(a: Node, b: Node): boolean {
  for (let cur = b.parent; cur; cur = cur.parent) if (cur === a) return true;
  return false;
}

/** A sibling of `from`, then an item of its epic, when several match. */
function prefer(found: Node[], from: Node | null): Node[] {
  if (found.length < 2 || !from) return found;
  const siblings = found.filter((n) => n.parent === from.parent);
  if (siblings.length > 0) return siblings;
  const epic = epicOf(from);
  const sameEpic = found.filter((n) => epicOf(n) === epic);
  return sameEpic.length > 0 ? sameEpic : found;
}

/** Reads the items a phrase names (see the file comment). */
class Reader {
  constructor(private readonly index: TitleIndex) {}

  read(tok: readonly string[], from: Node | null, once: boolean, strong: boolean): Hit[] {
    const hits: Hit[] = [];
    let p = 0;
    for (;;) {
      while (p < tok.length && FILLERS.has(tok[p]!)) p++;
      const m = this.matchAt(tok, p, from, once, strong) ?? this.afterLabel(tok, p, from, once, strong);
      if (!m) return hits;
      hits.push(m.hit);
      p = m.end;
      if (tok[p] === "'s") p++;
      if (tok[p] === '(') {
        while (p < tok.length && tok[p] !== ')') p++;
        p++;
      }
      const at = p;
      while (p < tok.length && SEPARATORS.has(tok[p]!)) p++;
      if (p === at) return hits;
    }
  }

  /** `Epic: Matchmaking` names `Matchmaking` when no title is `Epic: Matchmaking`. */
  private afterLabel(tok: readonly string[], p: number, from: Node | null, once: boolean, strong: boolean) {
    let q = p;
    if (tok[q] === 'user' && tok[q + 1] === 'story') q++;
    if (!LABEL_WORD_SET.has(tok[q] ?? '')) return null;
    q++;
    if (tok[q] === ':' || tok[q] === '-' || tok[q] === '—') q++;
    return this.matchAt(tok, q, from, once, strong);
  }

  private matchAt(tok: readonly string[], p: number, from: Node | null, once: boolean, strong: boolean) {
    const prefixes: string[] = [];
    const ends: number[] = [];
    let key = '';
    for (let i = p; i < tok.length && prefixes.length < MAX_KEY_WORDS; i++) {
      const t = tok[i]!;
      if (!isWord(t)) {
        if (KEY_STOP.has(t)) break;
        continue;
      }
      key = key === '' ? t : `${key} ${t}`;
      if (key.length > this.index.longest) break;
      prefixes.push(key);
      ends.push(i + 1);
    }
    for (let k = prefixes.length - 1; k >= 0; k--) {
      const hit = this.index.lookup(prefixes[k]!);
      if (!hit) continue;
      const end = ends[k]!;
      if (k === 0 && !hit.label && !endsTarget(tok[end], strong)) continue;
      if (once && !isDone(tok, end)) continue;
      return { hit: { key: prefixes[k]!, found: prefer(hit.found, from), label: hit.label }, end };
    }
    return null;
  }

  /** The item a sentence is about when it starts with a title: `Telemetry Ingest depends on`. */
  subject(before: string, from: Node, byPrefix = false): Node | null {
    if (before === '') return null;
    const tok = tokens(before);
    let end = tok.length;
    while (end > 0 && (SUBJECT_GAP.has(tok[end - 1]!) || MODALS.has(tok[end - 1]!))) end--;
    const words: string[] = [];
    for (let i = end - 1; i >= 0 && words.length < MAX_KEY_WORDS; i--) {
      const t = tok[i]!;
      if (isWord(t)) words.push(t);
      else if (KEY_STOP.has(t)) break;
    }
    let whole = words.length;
    if (whole > 1 && FILLERS.has(words[whole - 1]!)) whole--;
    // Longest first: drop leading words until a title remains.
    for (let k = Math.min(words.length, MAX_KEY_WORDS); k >= 1; k--) {
      const suffix = words.slice(0, k).reverse().join(' ');
      if (suffix.length > this.index.longest) continue;
      const hit = this.index.lookup(suffix);
      if (!hit) continue;
      const found = prefer(hit.found, from);
      if (found.length !== 1 || (k === 1 && whole !== 1 && !hit.label)) continue;
      return found[0]!;
    }
    // `Widget requires Offline mode`: the one title the whole subject begins.
    if (!byPrefix || whole === 0) return null;
    const found = prefer(this.index.prefix(words.slice(0, whole).reverse().join(' ')), from);
    return found.length === 1 ? found[0]! : null;
  }
}

function endsTarget(next: string | undefined, strong: boolean): boolean {
  return next === undefined || !isWord(next) || (strong ? STRONG_BOUNDARY : BOUNDARY).has(next);
}

function isDone(tok: readonly string[], end: number): boolean {
  let i = end;
  if (tok[i] === '(') while (i < tok.length && tok[i++] !== ')');
  const next = tok[i];
  return next === undefined || next === ',' || next === '.' || DONE.has(next);
}

/** Heading-only items (no text, criteria or children) are no work: nothing links to or from them. */
function isWork(n: Node): boolean {
  return n.type === 'task' || n.contentLines > 0 || n.ac.length > 0 || n.children.length > 0;
}

export function resolveLinks(
  nodes: readonly Node[],
  itemOf: ReadonlyMap<Node, PlanItem>,
  _items: readonly PlanItem[],
  warnings: PlanWarning[],
): PlanLink[] {
  const index = new TitleIndex(nodes, itemOf);
  const reader = new Reader(index);
  const links: PlanLink[] = [];
  const seen = new Set<string>();
  /** Sections that name the section of their sequence word they follow. */
  const ordered = new Set<Node>();
  const warn = (code: PlanWarning['code'], message: string, line: number) =>
    warnings.push({ code, message, line: line + 1 });

  const link = (from: Node, to: Node, line: number, strong: boolean) => {
    const a = itemOf.get(from)!;
    const b = itemOf.get(to)!;
    if (b === a) return;
    if (isAncestor(to, from) || isAncestor(from, to)) {
      if (strong)
        warn(
          'DEPENDENCY.HIERARCHY',
          `"${a.title}" and "${b.title}" are parent and child: no link made.`,
          line,
        );
      return;
    }
    const word = index.labels.get(from)?.word;
    if (word && index.labels.get(to)?.word === word) ordered.add(from);
    const k = `${a.id} ${b.id}`;
    if (seen.has(k)) return;
    seen.add(k);
    links.push({ fromId: a.id, kind: 'depends_on', toId: b.id, sourceLine: line + 1 });
  };
  const use = (from: Node, hit: Hit, line: number, strong: boolean) => {
    if (hit.found.length === 1) link(from, hit.found[0]!, line, strong);
    else if (strong)
      warn('DEPENDENCY.AMBIGUOUS', `${hit.found.length} items match "${hit.key}": no link made.`, line);
  };
  /** The phrase's parts one by one: a title, a title without its label, a title prefix. */
  const readParts = (from: Node, phrase: DependencyPhrase, line: number) => {
    for (const target of phrase.targets) {
      const key = normalizeTitle(target);
      const hit = index.lookup(key) ?? index.lookup(titleLabel(target)?.rest ?? '');
      const found = prefer(hit?.found ?? (phrase.strong ? index.prefix(key) : []), from);
      if (found.length > 0) use(from, { key: target, found, label: false }, line, phrase.strong);
      else if (phrase.strong)
        warn('DEPENDENCY.UNRESOLVED', `No item is titled "${target}": no link made.`, line);
    }
  };

  const rows: { cells: string[]; line: number }[] = [];
  for (const n of nodes) {
    if (n.deps.length === 0 || !itemOf.has(n)) continue;
    // A synthetic feature's text is its epic's own.
    const own = n.synthetic && n.type === 'feature' && n.parent && itemOf.has(n.parent) ? n.parent : n;
    for (const { phrase, line, subjectOnly } of n.deps) {
      if (phrase.cells) {
        rows.push({ cells: phrase.cells, line });
        continue;
      }
      // A dependencies section speaks of the items it names, never of the item it is kept in.
      const from = reader.subject(phrase.before, own, subjectOnly === true) ?? (subjectOnly ? null : own);
      if (from === null) continue;
      const hits = reader.read(tokens(phrase.text), from, phrase.once, phrase.strong);
      for (const anchor of phrase.anchors) {
        const hit = index.lookup(normalizeTitle(anchor.replace(/-/g, ' ')));
        if (hit) hits.push({ key: anchor, found: prefer(hit.found, from), label: hit.label });
      }
      if (hits.length === 0) readParts(from, phrase, line);
      for (const hit of hits) use(from, hit, line, phrase.strong);
    }
  }
  tableLinks(rows, (cell) => reader.read(tokens(cell), null, false, true), use);
  sequenceLinks(index.labels, itemOf, ordered, link);
  return links.sort((a, b) => a.sourceLine - b.sourceLine);
}

/** Rows of tables whose header has a `Depends on` column: the first cell's item depends on it. */
function tableLinks(
  rows: { cells: string[]; line: number }[],
  read: (cell: string) => Hit[],
  use: (from: Node, hit: Hit, line: number, strong: boolean) => void,
): void {
  rows.sort((a, b) => a.line - b.line);
  let column = -1;
  let last = -3;
  for (const { cells, line } of rows) {
    // A table's first row is its header; the delimiter row (`|---|`) sits between it and the next.
    const first = line - last > 2;
    last = line;
    if (first) {
      column = cells.findIndex((c, i) => i > 0 && DEP_COLUMN_RE.test(c));
      continue;
    }
    const target = column > 0 ? cells[column] : undefined;
    if (target === undefined) continue;
    const [owner] = read(cells[0]!);
    if (owner?.found.length !== 1) continue;
    for (const hit of read(target)) use(owner.found[0]!, hit, line, true);
  }
}

/** Phase N+1 depends on Phase N: siblings of one level numbered with the same sequence word. */
function sequenceLinks(
  labels: ReadonlyMap<Node, TitleLabel>,
  itemOf: ReadonlyMap<Node, PlanItem>,
  ordered: ReadonlySet<Node>,
  link: (from: Node, to: Node, line: number, strong: boolean) => void,
): void {
  const groups = new Map<string, Node[]>();
  for (const [n, label] of labels) {
    if (!label.word || label.number === null || !SEQUENCE_WORDS.has(label.word)) continue;
    const parent = n.parent ? itemOf.get(n.parent)?.id : '';
    const key = `${parent} ${n.level} ${n.type} ${label.word}`;
    const group = groups.get(key);
    if (group) group.push(n);
    else groups.set(key, [n]);
  }
  const num = (n: Node) => labels.get(n)!.number!;
  for (const group of groups.values()) {
    const count = new Map<number, number>();
    for (const n of group) count.set(num(n), (count.get(num(n)) ?? 0) + 1);
    const steps = group.filter((n) => count.get(num(n)) === 1).sort((a, b) => num(a) - num(b));
    for (let i = 1; i < steps.length; i++) {
      if (!ordered.has(steps[i]!)) link(steps[i]!, steps[i - 1]!, steps[i]!.start, false);
    }
  }
}
