/**
 * The text part of a tool result. Several clients forward only the text to the model, so it carries
 * a compact rendering of the data (ids, types, statuses, titles) under the one-line summary;
 * `structuredContent` stays the API and always holds everything. The text is capped.
 */

export const TEXT_LIMITS = { lines: 50, bytes: 4096, lineChars: 240 } as const;

const encoder = new TextEncoder();

const clip = (line: string): string =>
  line.length > TEXT_LIMITS.lineChars ? `${line.slice(0, TEXT_LIMITS.lineChars - 1)}…` : line;

/**
 * The summary, then `lines` while they fit in TEXT_LIMITS (the summary counts); what does not fit
 * is replaced by one `... N more, see structuredContent` line.
 */
export function renderText(summary: string, lines: readonly string[] = []): string {
  const out = [summary];
  let bytes = encoder.encode(summary).length;
  let shown = 0;
  for (const raw of lines) {
    const line = clip(raw.replace(/\s*\n\s*/g, ' '));
    const size = encoder.encode(line).length + 1;
    // Keep room for the closing "... N more" line.
    if (out.length >= TEXT_LIMITS.lines - 1 || bytes + size > TEXT_LIMITS.bytes - 64) break;
    out.push(line);
    bytes += size;
    shown++;
  }
  if (shown < lines.length) out.push(`... ${lines.length - shown} more, see structuredContent`);
  return out.join('\n');
}

const show = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.map(show).join(', ') : JSON.stringify(v);

/** `key: value; key: value` over the pairs whose value is set (null, undefined and [] are left out). */
export function fields(pairs: Record<string, unknown>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join('; ');
}

export interface ItemLike {
  id: string;
  type: string;
  title: string;
  status?: string;
  depth?: number;
}

/** One line per item: id, type, [status], title; indented by depth when it has one. */
export function itemLine(i: ItemLike, indentFrom?: number): string {
  const indent = i.depth !== undefined && indentFrom !== undefined ? '  '.repeat(i.depth - indentFrom) : '';
  return `${indent}${i.id} ${i.type}${i.status ? ` [${i.status}]` : ''} ${i.title}`;
}

export interface ItemDetail extends ItemLike {
  status: string;
  priority: string;
  progress: number;
  parentId: string | null;
  agent: string | null;
  estimateDays: number | null;
  milestoneId: string | null;
  labels: readonly string[];
  statusReason: string | null;
  version: number;
}

/** The key fields of one item (its description is left to structuredContent). */
export function itemDetail(i: ItemDetail): string[] {
  return [
    itemLine(i),
    fields({
      parent: i.parentId,
      priority: i.priority,
      progress: `${i.progress}%`,
      agent: i.agent,
      estimateDays: i.estimateDays,
      milestone: i.milestoneId,
      labels: i.labels,
      statusReason: i.statusReason,
      version: i.version,
    }),
  ];
}

/** One line per audit record: seq, time, action, entity, who, through which tool, the changed fields. */
export function auditLine(r: {
  seq: number;
  at: string;
  action: string;
  entityId: string;
  actor: { id: string };
  tool: string | null;
  diff: Record<string, unknown>;
}): string {
  const changed = Object.keys(r.diff);
  return (
    `#${r.seq} ${r.at} ${r.action} ${r.entityId} by ${r.actor.id}` +
    (r.tool ? ` via ${r.tool}` : '') +
    (changed.length ? ` (${changed.join(', ')})` : '')
  );
}

/** What apply_spec and import_tasks wrote (or would write): one line per created or updated item. */
export function applyLines(r: {
  created: readonly { planId: string; id: string | null }[];
  updated: readonly { planId: string; id: string; fields: readonly string[] }[];
}): string[] {
  return [
    ...r.created.map((c) => `created ${c.id ?? '(new)'} from ${c.planId}`),
    ...r.updated.map((u) => `updated ${u.id} from ${u.planId}: ${u.fields.join(', ')}`),
  ];
}

/** One line per milestone: id, state, title, due date, completion. */
export function milestoneLine(m: {
  id: string;
  state: string;
  title: string;
  dueOn: string | null;
  overdue: boolean;
  completion: { total: number; done: number; percent: number };
}): string {
  const c = m.completion;
  return (
    `${m.id} [${m.state}${m.overdue ? ', overdue' : ''}] ${m.title}` +
    (m.dueOn ? ` due ${m.dueOn}` : '') +
    `: ${c.done}/${c.total} done (${c.percent}%)`
  );
}

/** One line per policy violation: severity, rule, item, message and fix. */
export const violationLine = (v: {
  severity: string;
  rule: string;
  itemId: string;
  message: string;
  fix: string;
}): string => `${v.severity} ${v.rule} ${v.itemId}: ${v.message} (fix: ${v.fix})`;

/** One line per configuration change: the path, the old and the new value. */
export const changeLine = (c: { path: string; old: unknown; new: unknown }): string =>
  `${c.path}: ${JSON.stringify(c.old) ?? 'unset'} -> ${JSON.stringify(c.new) ?? 'unset'}`;
