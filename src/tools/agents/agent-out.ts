import * as z from 'zod';

export const candidateOut = z.object({
  agent: z.string(),
  capabilities: z.array(z.string()).describe('Its capabilities the item names'),
  specializations: z.array(z.string()),
  utilization: z.number(),
  assignmentPriority: z.number(),
  excluded: z.enum(['no-capability', 'unhealthy', 'wip-limit']).nullable(),
});

export const decisionOut = z.object({
  itemId: z.string(),
  agent: z.string().nullable(),
  assignee: z.string().nullable().describe('Human fallback (rule fallback)'),
  rule: z.enum(['explicit', 'capability', 'fallback', 'none-capable', 'all-full']),
  reason: z.string(),
  candidates: z
    .array(candidateOut)
    .describe('Ranked: the chosen one first, then the others, then those excluded'),
});

export const serviceOut = z.object({
  id: z.string(),
  capabilities: z.array(z.string()),
  specializations: z.array(z.string()),
  assignmentPriority: z.number(),
  maxConcurrentTasks: z.number(),
  escalateAfterDaysOverdue: z.number(),
  githubAssignee: z.string().nullable(),
  fallbackAssignee: z.string().nullable(),
  registered: z.boolean().describe('Registered at run time'),
  heartbeatTimeoutMinutes: z.number().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  healthy: z.boolean().describe('No heartbeat window, or a heartbeat within it'),
  openTasks: z.number(),
  utilization: z.number().describe('openTasks / maxConcurrentTasks'),
  available: z.boolean().describe('Healthy and below its WIP limit'),
});
