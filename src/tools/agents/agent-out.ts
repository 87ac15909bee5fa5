import * as z from 'zod';

export const candidateOut = z.object({
  agent: z.string(),
  capabilities: z.array(z.string()).describe('Its capabilities the item names'),
  specializations: z.array(z.string()),
  utilization: z.number(),
  assignmentPriority: z.number(),
  excluded: z.enum(['no-capability', 'wip-limit']).nullable(),
});

export const decisionOut = z.object({
  itemId: z.string(),
  agent: z.string().nullable(),
  rule: z.enum(['explicit', 'capability', 'none-capable', 'all-full']),
  reason: z.string(),
  candidates: z
    .array(candidateOut)
    .describe('Ranked: the chosen one first, then the others, then those excluded'),
});
