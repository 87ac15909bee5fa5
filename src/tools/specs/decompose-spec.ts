import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { SpecPlan } from '../../governance/decompose/index.js';
import { DomainError } from '../../governance/errors.js';
import { planSpec } from '../../governance/use-cases/plan-spec.js';
import { defineTool, type ToolContext } from '../../mcp/define-tool.js';
import { itemLine } from '../../mcp/text.js';
import { asOf, generationOut, method, planItemOut, specText } from './plan-schemas.js';
import * as s from '../schemas.js';

const MAX_WARNINGS = 100;
const HEARTBEAT_MS = 5_000;

// A model's plan differs from call to call, so it cannot be paged by asking again: it comes whole
// (at most 500 items). Cursors exist for rule-based plans only and carry a hash of that plan, so a
// page is never served from a different spec or options than the first.
const cursorInput = z.string().max(20).optional().describe('nextCursor (rule-based plans)');

function planHash(plan: SpecPlan): string {
  const h = createHash('sha256');
  for (const i of plan.items) h.update(`${i.id}\u001f${i.parentId ?? ''}\u001e`);
  return h.digest('base64url').slice(0, 10);
}

function badCursor(message: string, hint = 'Pass nextCursor from the previous page.'): DomainError {
  return new DomainError('INPUT.INVALID', message, hint);
}

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
    let offset = 0;
    let expectHash: string | undefined;
    if (input.cursor !== undefined) {
      const m = /^(\d{1,7})\.([\w-]{10})$/.exec(input.cursor);
      if (!m) throw badCursor('The cursor is not one this tool issued');
      if (input.method === 'sampling' || input.method === 'provider') {
        throw badCursor(
          `A plan by method "${input.method}" comes in one page: it has no cursor`,
          'Call again without cursor, or page with method "auto" or "heuristic".',
        );
      }
      offset = Number(m[1]);
      expectHash = m[2];
    }
    // After the cursor check: a cursor that cannot be ours is refused before anything is read.
    const config = input.workspace ? (await deps.config.effective(input.workspace)).config : undefined;
    const requested = input.cursor === undefined ? input.method : 'heuristic';
    const run = () =>
      planSpec(
        { text: input.text, now, options, method: requested, ...(config && { config }) },
        models,
        ctx.signal,
        clockMs,
      );
    const mayAsk = requested !== 'heuristic' && (models.sampling ?? models.provider) !== undefined;
    const { plan, generation } = mayAsk ? await heartbeat(ctx, run) : await run();
    const byModel = generation.method !== 'heuristic';
    // Pages of a rule-based plan are tied to it: the cursor carries this hash.
    const hash = byModel ? '' : planHash(plan);
    if (expectHash !== undefined && hash !== expectHash) {
      throw badCursor(
        'The spec or options changed since the first page',
        'Start again without cursor, with the same text and options on every page.',
      );
    }
    const items = byModel ? plan.items : plan.items.slice(offset, offset + input.limit);
    const ids = new Set(items.map((i) => i.id));
    const end = offset + items.length;
    const st = plan.stats;
    const by = byModel
      ? `by ${generation.method} model ${generation.model ?? '?'}`
      : `by rules${generation.fallback ? ` (model not used: ${generation.fallback})` : ''}`;
    return {
      data: {
        stats: { ...st },
        items,
        // The links that touch this page, so each page stands on its own.
        links: plan.links.filter((l) => ids.has(l.fromId) || ids.has(l.toId)),
        warnings: offset === 0 ? plan.warnings.slice(0, MAX_WARNINGS) : [],
        generation: { ...generation, requested: input.method },
        nextCursor: !byModel && end < plan.items.length ? `${end}.${hash}` : null,
      },
      summary:
        `${st.epics} epic(s), ${st.features} feature(s), ${st.tasks} task(s), ${st.links} link(s), ` +
        `${st.warnings} warning(s); items ${offset + 1}-${end} of ${plan.items.length}; ${by}; ` +
        'preview ids, nothing stored: apply_spec writes the plan',
      lines: items.map((i) => itemLine(i)),
    };
  },
});
