import * as z from 'zod';
import { LIMITS, ITEM_TYPES, PRIORITIES, STATUSES, type WorkItem } from '../governance/model/work-item.js';
import { WORKSPACE_PATTERN } from '../governance/model/workspace.js';

// Shared field schemas: one definition per concept keeps tools/list small and consistent.
// Fields whose name and type say it all (title, priority, status, labels...) carry no .describe():
// tools/list is read on every turn, so its size is budgeted (bench/tools-list.mjs).

export const workspace = z.string().regex(new RegExp(WORKSPACE_PATTERN)).describe('owner/repo');
export const itemId = z.string().min(1).max(40).describe('e.g. T-12');
export const itemType = z.enum(ITEM_TYPES);
export const status = z.enum(STATUSES);
export const priority = z.enum(PRIORITIES);
export const title = z.string().trim().min(1).max(LIMITS.title);
export const description = z.string().max(LIMITS.description).describe('Markdown');
export const agent = z.string().trim().min(1).max(LIMITS.agent).describe('e.g. agent:dev');
export const estimateDays = z.number().min(0).max(LIMITS.estimateDays).describe('Days');
export const milestoneId = z.string().min(1).max(40).describe('e.g. M-2');
export const labels = z.array(z.string().trim().min(1).max(LIMITS.label)).max(LIMITS.labels);
export const reason = z.string().trim().min(1).max(LIMITS.reason).describe('Why');
export const version = z.number().int().min(1).describe('Version read');
export const dryRun = z.boolean().default(true);

/** Configuration changes listed in a result (the audit record keeps them all). */
export const MAX_LISTED_CHANGES = 100;
export const configChanges = z.array(z.object({ path: z.string(), old: z.unknown(), new: z.unknown() }));

/** An item as tools return it: no storage internals. */
export const itemOut = z.object({
  id: z.string(),
  type: itemType,
  title: z.string(),
  description: z.string(),
  status,
  statusReason: z.string().nullable(),
  priority,
  agent: z.string().nullable(),
  assignee: z.string().nullable().describe('Human fallback (GitHub login)'),
  estimateDays: z.number().nullable(),
  milestoneId: z.string().nullable(),
  labels: z.array(z.string()),
  parentId: z.string().nullable(),
  progress: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  version: z.number(),
});
export type ItemOut = z.infer<typeof itemOut>;

export function toItemOut(i: WorkItem): ItemOut {
  return {
    id: i.id,
    type: i.type,
    title: i.title,
    description: i.description,
    status: i.status,
    statusReason: i.statusReason,
    priority: i.priority,
    agent: i.agent,
    assignee: i.assignee ?? null,
    estimateDays: i.estimateDays,
    milestoneId: i.milestoneId,
    labels: i.labels,
    parentId: i.parentId,
    progress: i.progress,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    startedAt: i.startedAt,
    completedAt: i.completedAt,
    version: i.version,
  };
}

export const rolledUpOut = z.array(
  z.object({
    id: z.string(),
    status,
    progress: z.number(),
    version: z.number().describe('The new version: what the next write to this ancestor must expect'),
  }),
);
