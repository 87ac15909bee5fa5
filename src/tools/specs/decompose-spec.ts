import * as z from 'zod';
import { decomposeSpec } from '../../governance/decompose/index.js';
import { DomainError } from '../../governance/errors.js';
import { defineTool } from '../../mcp/define-tool.js';
import { asOf, planItemOut, specText } from './plan-schemas.js';

const MAX_WARNINGS = 100;

export const decomposeSpecTool = defineTool({
  name: 'decompose_spec',
  title: 'Decompose spec',
  description: 'Preview the epic/feature/task plan of a spec, with source lines. Writes nothing.',
  toolset: 'specs',
  effect: 'read',
  input: z.object({
    text: specText,
    asOf,
    maxTasksPerFeature: z.number().int().min(1).max(100).optional().describe('Split bigger features'),
    oversized: z.enum(['split', 'flag']).optional().describe('Oversized features'),
    cursor: z.string().max(20).optional().describe('nextCursor'),
    limit: z.number().int().min(1).max(500).default(100).describe('Items per page'),
  }),
  output: z.object({
    stats: z.record(z.string(), z.number()),
    items: z.array(planItemOut),
    links: z.array(
      z.object({
        fromId: z.string(),
        kind: z.literal('depends_on'),
        toId: z.string(),
        sourceLine: z.number(),
      }),
    ),
    warnings: z.array(z.object({ code: z.string(), message: z.string(), line: z.number() })),
    nextCursor: z.string().nullable(),
  }),
  async handler(input, { deps }) {
    const offset = input.cursor === undefined ? 0 : Number(input.cursor);
    if (!Number.isInteger(offset) || offset < 0) {
      throw new DomainError(
        'INPUT.INVALID',
        'The cursor is not one this tool issued',
        'Pass nextCursor from the previous page.',
      );
    }
    const plan = decomposeSpec(input.text, {
      now: input.asOf ?? deps.clock.now(),
      ...(input.maxTasksPerFeature ? { maxTasksPerFeature: input.maxTasksPerFeature } : {}),
      ...(input.oversized ? { oversizedFeatures: input.oversized } : {}),
    });
    const items = plan.items.slice(offset, offset + input.limit);
    const ids = new Set(items.map((i) => i.id));
    const end = offset + items.length;
    const st = plan.stats;
    return {
      data: {
        stats: { ...st },
        items,
        // The links that touch this page, so each page stands on its own.
        links: plan.links.filter((l) => ids.has(l.fromId) || ids.has(l.toId)),
        warnings: offset === 0 ? plan.warnings.slice(0, MAX_WARNINGS) : [],
        nextCursor: end < plan.items.length ? String(end) : null,
      },
      summary:
        `${st.epics} epic(s), ${st.features} feature(s), ${st.tasks} task(s), ${st.links} link(s), ` +
        `${st.warnings} warning(s); items ${offset + 1}-${end} of ${plan.items.length}`,
    };
  },
});
