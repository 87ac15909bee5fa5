/**
 * The parts of Task Master's `tasks.json` the importer reads. Other fields (complexity, timestamps,
 * tags) are ignored, so files from newer Task Master versions still import.
 */
import * as z from 'zod';
import type { Status } from '../model/work-item.js';

export const TASK_MASTER_STATUSES = [
  'pending',
  'in-progress',
  'review',
  'done',
  'deferred',
  'cancelled',
  'blocked',
] as const;
export type TaskMasterStatus = (typeof TASK_MASTER_STATUSES)[number];

/**
 * Onto our statuses. Deferred work is not started, cancelled work is cancelled (neither done nor open): both keep a
 * `taskmaster:<status>` label so nothing of the source is lost.
 */
export const STATUS_MAP: Record<TaskMasterStatus, Status> = {
  pending: 'planning',
  'in-progress': 'in_progress',
  review: 'review',
  done: 'done',
  deferred: 'planning',
  cancelled: 'cancelled',
  blocked: 'blocked',
};

/** Older files write ids as numbers, newer ones sometimes as digit strings. */
const idSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, 'expected a number')
    .transform((s) => Number(s)),
]);
const textSchema = z.string().nullish();
const dependenciesSchema = z.array(z.union([z.number().int(), z.string()])).nullish();

const subtaskSchema = z.object({
  id: idSchema,
  title: z.string().trim().min(1, 'title must not be empty'),
  description: textSchema,
  details: textSchema,
  testStrategy: textSchema,
  status: z.enum(TASK_MASTER_STATUSES).nullish(),
  priority: z.enum(['critical', 'high', 'medium', 'low']).nullish(),
  dependencies: dependenciesSchema,
});

const taskSchema = subtaskSchema.extend({ subtasks: z.array(subtaskSchema).nullish() });

export type TaskMasterSubtask = z.infer<typeof subtaskSchema>;
export type TaskMasterTask = z.infer<typeof taskSchema>;

/** One tag's content; the legacy format is this at the root. */
export const taskListSchema = z.object({
  tasks: z.array(taskSchema),
  metadata: z.object({ description: z.string().nullish() }).nullish(),
});
export type TaskList = z.infer<typeof taskListSchema>;
