import * as z from 'zod';
import type { PlanItem } from '../../governance/decompose/index.js';
import { LIMITS } from '../../governance/model/work-item.js';
import { MODEL_METHODS } from '../../governance/ports/model.js';
import * as s from '../schemas.js';

/** A spec as tools take it: markdown or plain text; the decomposer enforces the 1 MiB limit in bytes. */
export const specText = z.string().max(1_100_000).describe('Markdown or plain text, up to 1 MiB');
export const asOf = z.iso.date().optional().describe('Date for milestone names; default today');

export const planItemOut = z.object({
  id: z.string(),
  type: s.itemType,
  title: z.string(),
  description: z.string(),
  acceptanceCriteria: z.array(z.string()),
  parentId: z.string().nullable(),
  priority: s.priority,
  estimateDays: z.number(),
  agent: z.string().nullable(),
  milestone: z.string().nullable(),
  labels: z.array(z.string()),
  source: z.object({ startLine: z.number(), endLine: z.number() }),
});

export const planItemRef = z.object({
  id: z.string(),
  type: s.itemType,
  title: z.string(),
  parentId: z.string().nullable(),
});

export const ref = (i: PlanItem): z.infer<typeof planItemRef> => ({
  id: i.id,
  type: i.type,
  title: i.title.slice(0, LIMITS.title),
  parentId: i.parentId,
});

export const method = z
  .enum(MODEL_METHODS)
  .default('auto')
  .describe('auto: provider, else client model, else rules; heuristic: rules only');

/** GenerationMeta as tools return it. */
export const generationOut = z.object({
  method: z.enum(['heuristic', 'sampling', 'provider']),
  requested: z.enum(MODEL_METHODS),
  model: z.string().nullable(),
  latencyMs: z.number(),
  confidence: z.number(),
  attempts: z.number(),
  fallback: z.string().nullable(),
});
