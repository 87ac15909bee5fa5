/** The tree the builder makes: nodes, and the role each heading level plays. */
import type { ItemType } from '../model/work-item.js';
import { normalizeTitle } from './ids.js';
import type { ScannedLine } from './scan.js';
import { AC_LEAD_RE, type DependencyPhrase } from './signals.js';

export interface Node {
  type: ItemType;
  title: string;
  /** The heading's title (without a `(part n)` suffix): what ids are derived from. */
  baseTitle: string;
  /** Heading level; for synthetic features, one below the epic level. */
  level: number;
  /** 0-based first and last line of the span (children included). */
  start: number;
  last: number;
  /** 0-based line of the node's own heading (an epic's span may start earlier, with the context before it). */
  head: number;
  own: string[];
  lastOwn: number;
  /** First line routed to the node itself (not its heading). */
  firstRouted: number;
  contentLines: number;
  ac: string[];
  deps: { phrase: DependencyPhrase; line: number }[];
  meta: Map<string, string>;
  children: Node[];
  parent: Node | null;
  synthetic: boolean;
  part: number;
  /** Split parts: the feature they continue. */
  first: Node | null;
  /** normalizeTitle(baseTitle), computed once (see normOf). */
  norm: string | null;
  /** Tasks: checkbox state, marker column, text column, nested list items, AC sub-list column. */
  checked: boolean | null;
  indent: number;
  contentIndent: number;
  subItems: number;
  acIndent: number;
}

export function node(type: ItemType, title: string, level: number, start: number, parent: Node | null): Node {
  return {
    type,
    title,
    baseTitle: title,
    level,
    start,
    last: start,
    head: start,
    own: [],
    lastOwn: -2,
    firstRouted: -1,
    contentLines: 0,
    ac: [],
    deps: [],
    meta: new Map(),
    children: [],
    parent,
    synthetic: false,
    part: 1,
    first: null,
    norm: null,
    checked: null,
    indent: 0,
    contentIndent: 0,
    subItems: 0,
    acIndent: -1,
  };
}

export function normOf(n: Node): string {
  n.norm ??= normalizeTitle(n.baseTitle);
  return n.norm;
}

export interface HeadingRoles {
  /** 0-based line of the document title heading (dropped), or -1. */
  titleLine: number;
  titleText: string | null;
  epicLevel: number;
  /** Infinity when the spec has one heading level. */
  featureLevel: number;
}

export function isAcHeading(l: ScannedLine): boolean {
  const m = AC_LEAD_RE.exec(l.text);
  return m !== null && (m[1] ?? '') === '';
}

/**
 * The shallowest heading level is epics, the next features, deeper ones sub-sections of a feature.
 * A lone H1 that comes first is the document title when two or more levels sit under it; over a
 * single level it is kept as the one epic (its sub-headings being its features).
 */
export function headingRoles(lines: readonly ScannedLine[]): HeadingRoles {
  const headings: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind === 'heading' && !isAcHeading(l)) headings.push(i);
  }
  const levelsOf = (idx: number[]) => [...new Set(idx.map((i) => lines[i]!.level))].sort((a, b) => a - b);
  let levels = levelsOf(headings);
  let titleLine = -1;
  const first = headings[0];
  if (first !== undefined && levels.length >= 3) {
    const top = lines[first]!.level;
    if (top === 1 && headings.filter((i) => lines[i]!.level === top).length === 1) {
      titleLine = first;
      levels = levels.slice(1);
    }
  }
  return {
    titleLine,
    titleText: titleLine >= 0 ? lines[titleLine]!.text : null,
    epicLevel: levels[0] ?? 1,
    featureLevel: levels[1] ?? Infinity,
  };
}
