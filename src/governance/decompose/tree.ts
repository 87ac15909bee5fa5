/** The tree the builder makes: its nodes, and which headings are acceptance-criteria headings. */
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
  /** Of those, lines that only state scope or dependencies (no work of their own). */
  statements: number;
  ac: string[];
  /** `subjectOnly`: from a dependencies section, linked only when the sentence names its subject. */
  deps: { phrase: DependencyPhrase; line: number; subjectOnly?: boolean }[];
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
    statements: 0,
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

export function isAcHeading(l: ScannedLine): boolean {
  const m = AC_LEAD_RE.exec(l.text);
  return m !== null && (m[1] ?? '') === '';
}
