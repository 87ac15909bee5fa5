import * as z from 'zod';
import { openPlanCursor, planPage } from '../../governance/use-cases/plan-pages.js';
import { planSpec } from '../../governance/use-cases/plan-spec.js';
import { defineTool, type ToolContext } from '../../mcp/define-tool.js';
import { itemLine } from '../../mcp/text.js';
import { asOf, generationOut, method, planItemOut, specText } from './plan-schemas.js';
import * as s from '../schemas.js';

const HEARTBEAT_MS = 5_000;

// Cursors page rule-based plans only (a model's plan comes whole, at most 500 items): see plan-pages.ts.
const cursorInput = z.string().max(20).optional().describe('nextCursor (rule-based plans)');

/** Progress notifications while a model thinks, so clients see the call is alive. */
async function heartbeat<T>(ctx: ToolContext, work: () => Promise<T>): Promise<T> {
  let n = 0;
  const beat = () => void ctx.progress(n++, undefined, 'waiting for the model').catch(() => undefined);
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export const decomposeSpecTool = defineTool({
  name: 'decompose_spec',
  title: 'Decompose spec',
  description:
    "Preview a spec's epic/feature/task plan with source lines; writes nothing. A model's plan comes " +
    'in one page; `generation` says how the plan was made.',
  toolset: 'specs',
  effect: 'read',
  openWorld: true,
  input: z.object({
    text: specText,
    workspace: s.workspace.optional().describe('Plan by its configuration, as apply_spec would'),
    asOf,
    method,
    maxTasksPerFeature: z.number().int().min(1).max(100).optional().describe('Split bigger features'),
    oversized: z.enum(['split', 'flag']).optional().describe('Oversized features'),
    cursor: cursorInput,
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
    generation: generationOut,
    nextCursor: z.string().nullable(),
  }),
  async handler(input, ctx) {
    const { deps, models } = ctx;
    const now = input.asOf ?? deps.clock.now();
    const options = {
      ...(input.maxTasksPerFeature ? { maxTasksPerFeature: input.maxTasksPerFeature } : {}),
      ...(input.oversized ? { oversizedFeatures: input.oversized } : {}),
    };
    const clockMs = () => Date.parse(deps.clock.now());
    // Before the configuration is read: a cursor that cannot be ours is refused first.
    const cursor = openPlanCursor(input.cursor, input.method);
    const config = input.workspace ? (await deps.config.effective(input.workspace)).config : undefined;
    const requested = cursor.method;
    const run = () =>
      planSpec(
        { text: input.text, now, options, method: requested, ...(config && { config }) },
        models,
        ctx.signal,
        clockMs,
      );
    const mayAsk = requested !== 'heuristic' && (models.sampling ?? models.provider) !== undefined;
    const result = mayAsk ? await heartbeat(ctx, run) : await run();
    const { plan, generation } = result;
    const page = planPage(result, cursor, input.limit);
    const { items, offset } = page;
    const end = offset + items.length;
    const byModel = generation.method !== 'heuristic';
    const st = plan.stats;
    const by = byModel
      ? `by ${generation.method} model ${generation.model ?? '?'}`
      : `by rules${generation.fallback ? ` (model not used: ${generation.fallback})` : ''}`;
    return {
      data: {
        stats: { ...st },
        items,
        links: page.links,
        warnings: page.warnings,
        generation: { ...generation, requested: input.method },
        nextCursor: page.nextCursor,
      },
      summary:
        `${st.epics} epic(s), ${st.features} feature(s), ${st.tasks} task(s), ${st.links} link(s), ` +
        `${st.warnings} warning(s); items ${offset + 1}-${end} of ${page.total}; ${by}; ` +
        'preview ids, nothing stored: apply_spec writes the plan',
      lines: items.map((i) => itemLine(i)),
    };
  },
});
