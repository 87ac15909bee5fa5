/**
 * What both importers share: size and emptiness checks, and a builder that turns source records
 * into plan items the way the decomposer does (ids from ids.ts, its default estimates, agent
 * keywords and milestone template), plus statuses rolled up so no done parent has an open child.
 */
import { DomainError } from '../errors.js';
import { isOpen, LIMITS, type ItemType, type Priority, type Status } from '../model/work-item.js';
import { NEEDS_REASON } from '../rules/status.js';
import { IdAllocator, normalizeTitle } from '../decompose/ids.js';
import { resolveOptions, type ResolvedOptions } from '../decompose/options.js';
import { utf8SizeWithin } from '../../shared/utf8-size.js';
import { AgentMatcher, clampDays } from '../decompose/signals.js';
import type { PlanLink, PlanWarning, SourceRange } from '../decompose/types.js';
import type { ImportedItem, ImportedPlan, ImportSource } from './types.js';

/** 5 MiB of UTF-8: far above any real task file, low enough to keep one call cheap. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const TRUNCATED = '\n\n…(truncated)';
const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Refuses a text over the limit or blank; returns its UTF-8 size. */
export function checkImportText(text: string, what: string): number {
  const { bytes, exact: counted } = utf8SizeWithin(text, MAX_IMPORT_BYTES);
  if (bytes > MAX_IMPORT_BYTES) {
    throw new DomainError(
      'IMPORT.TOO_LARGE',
      `${what} is ${counted ? '' : 'at least '}${bytes} bytes; the limit is ${MAX_IMPORT_BYTES} bytes.`,
      'Split the file (for example one Task Master tag or one spec-kit feature at a time) and import each.',
      { bytes, limit: MAX_IMPORT_BYTES },
    );
  }
  if (text.trim() === '') throw importEmpty(`${what} is empty.`);
  return bytes;
}

export function importEmpty(message: string): DomainError {
  return new DomainError('IMPORT.EMPTY', message, 'Pass a file that holds at least one task.');
}

export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export interface ItemInput {
  type: ItemType;
  /** Identifies the item in its source (never a line number): hashed into the id. */
  key: readonly string[];
  title: string;
  parent: ImportedItem | null;
  /** Markdown paragraphs of the description, in order; empty ones are left out. */
  text: readonly string[];
  criteria: readonly string[];
  priority: Priority;
  /** null: rolled up from the children. */
  status: Status | null;
  statusReason?: string;
  labels: readonly string[];
  source: SourceRange;
}

export class ImportPlanBuilder {
  readonly items: ImportedItem[] = [];
  readonly links: PlanLink[] = [];
  readonly warnings: PlanWarning[] = [];
  private readonly opts: ResolvedOptions;
  private readonly ids = new IdAllocator();
  private readonly agents: AgentMatcher;
  private readonly linkKeys = new Set<string>();
  private readonly byId = new Map<string, ImportedItem>();
  /** Items whose status is rolled up from their children. */
  private readonly derived = new Set<ImportedItem>();

  constructor(now: string) {
    this.opts = resolveOptions({ now });
    this.agents = new AgentMatcher(this.opts.agents);
  }

  add(input: ItemInput): ImportedItem {
    const full = input.title.replace(/\s+/g, ' ').trim();
    const title = truncate(full, LIMITS.title);
    const text = title === full ? [...input.text] : [full, ...input.text];
    let description = text.filter((t) => t.trim() !== '').join('\n\n');
    if (input.criteria.length > 0) {
      const section = `## Acceptance criteria\n\n${input.criteria.map((a) => `- [ ] ${a}`).join('\n')}`;
      description = description === '' ? section : `${description}\n\n${section}`;
    }
    if (description.length > LIMITS.description) {
      description = description.slice(0, LIMITS.description - TRUNCATED.length) + TRUNCATED;
      this.warn(
        'TEXT.TRUNCATED',
        `The description of "${title}" is over ${LIMITS.description} characters: truncated.`,
        input.source.startLine,
      );
    }
    // As in the decomposer: an epic's agent comes from its title alone.
    const matched = this.agents.match(input.type === 'epic' ? full : `${full}\n${input.text.join('\n')}`);
    const agent = input.type === 'epic' ? matched : (matched ?? this.opts.defaultAgent);
    const labels = [...new Set(input.labels.map((l) => l.slice(0, LIMITS.label)))].slice(0, LIMITS.labels);
    const item: ImportedItem = {
      id: this.ids.next(input.type, input.key),
      type: input.type,
      title,
      description,
      acceptanceCriteria: [...input.criteria],
      parentId: input.parent?.id ?? null,
      priority: input.priority,
      estimateDays: 0,
      agent: agent === null ? null : truncate(agent.includes(':') ? agent : `agent:${agent}`, LIMITS.agent),
      milestone: input.type === 'epic' ? this.milestone(title) : null,
      labels,
      source: input.source,
      status: input.status ?? 'planning',
      statusReason: NEEDS_REASON.includes(input.status ?? 'planning')
        ? (input.statusReason ?? `${input.status === 'blocked' ? 'Blocked' : 'Cancelled'} in the source.`)
        : null,
    };
    if (input.status === null) this.derived.add(item);
    this.items.push(item);
    this.byId.set(item.id, item);
    return item;
  }

  warn(code: PlanWarning['code'], message: string, line: number): void {
    this.warnings.push({ code, message, line });
  }

  /** `from depends_on to`, unless it is a self-link, a duplicate, or between parent and child. */
  link(from: ImportedItem, to: ImportedItem, line: number, ref: string): void {
    if (from === to) return;
    if (this.isAncestor(to, from) || this.isAncestor(from, to)) {
      this.warn(
        'DEPENDENCY.HIERARCHY',
        `"${from.title}" and "${to.title}" (${ref}) are parent and child: no link made.`,
        line,
      );
      return;
    }
    const k = `${from.id} ${to.id}`;
    if (this.linkKeys.has(k)) return;
    this.linkKeys.add(k);
    this.links.push({ fromId: from.id, kind: 'depends_on', toId: to.id, sourceLine: line });
  }

  /** Estimates, statuses and epic priorities roll up; then the plan is assembled. */
  finish(source: ImportSource, text: string, bytes: number, records: number): ImportedPlan {
    const children = new Map<string, ImportedItem[]>();
    for (const it of this.items) {
      if (it.parentId === null) continue;
      const list = children.get(it.parentId);
      if (list) list.push(it);
      else children.set(it.parentId, [it]);
    }
    const [lo] = this.opts.estimation.simple;
    // Items are depth-first, so walking backwards meets every child before its parent.
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i]!;
      const kids = children.get(it.id) ?? [];
      if (kids.length === 0) {
        it.estimateDays = clampDays(lo);
        continue;
      }
      it.estimateDays = clampDays(kids.reduce((s, k) => s + k.estimateDays, 0));
      // Cancelled children count as neither done nor open, as in the store's roll-up.
      const live = kids.filter((k) => k.status !== 'cancelled');
      const open = live.some((k) => isOpen(k.status));
      if (this.derived.has(it) && live.length === 0) {
        it.status = 'cancelled';
        it.statusReason = 'Every child is cancelled in the source.';
      } else if (this.derived.has(it)) {
        it.status = !open ? 'done' : live.every((k) => k.status === 'planning') ? 'planning' : 'in_progress';
      } else if (it.status === 'done' && open) {
        it.status = 'in_progress';
      }
      if (it.type === 'epic') {
        it.priority = kids.reduce<Priority>(
          (p, k) => (PRIORITY_RANK[k.priority] < PRIORITY_RANK[p] ? k.priority : p),
          'low',
        );
      }
    }
    this.warnings.sort((a, b) => a.line - b.line);
    const count = { epic: 0, feature: 0, task: 0 };
    let acceptanceCriteria = 0;
    for (const it of this.items) {
      count[it.type]++;
      acceptanceCriteria += it.acceptanceCriteria.length;
    }
    return {
      source,
      items: this.items,
      links: this.links,
      warnings: this.warnings,
      stats: {
        lines: text.split('\n').length,
        bytes,
        requirementLines: records,
        epics: count.epic,
        features: count.feature,
        tasks: count.task,
        links: this.links.length,
        acceptanceCriteria,
        warnings: this.warnings.length,
      },
    };
  }

  private isAncestor(a: ImportedItem, b: ImportedItem): boolean {
    for (let cur = b.parentId; cur !== null; cur = this.byId.get(cur)?.parentId ?? null) {
      if (cur === a.id) return true;
    }
    return false;
  }

  /** The decomposer's template for the quarter of `now` (imports carry no target dates). */
  private milestone(title: string): string {
    const slug =
      normalizeTitle(title)
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 50) || 'epic';
    return truncate(
      this.opts.milestoneTemplate
        .replaceAll('{quarter}', String(this.opts.quarter))
        .replaceAll('{year}', String(this.opts.year))
        .replaceAll('{epic_name}', slug),
      LIMITS.title,
    );
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
