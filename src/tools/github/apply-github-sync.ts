import * as z from 'zod';
import { DomainError } from '../../governance/errors.js';
import type { Job } from '../../governance/model/job.js';
import {
  applyOutcome,
  GITHUB_APPLY,
  runGitHubApply,
  startGitHubApply,
} from '../../governance/use-cases/github-apply-job.js';
import { planGitHubSync } from '../../governance/use-cases/github-sync.js';
import type { ToolResult } from '../../mcp/define-tool.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { LISTED, planData, planOut } from './sync-out.js';

const issueOut = z.object({ itemId: z.string(), number: z.number() });

const output = z.object({
  dryRun: z.boolean(),
  jobId: z.string().nullable().describe('The durable job that ran the apply (get_job); null for a dry run'),
  plan: planOut,
  created: z.array(issueOut),
  recovered: z.array(issueOut).describe('Creates whose answer was lost, found by marker, not made twice'),
  updated: z.array(issueOut.extend({ fields: z.array(z.string()) })),
  requests: z.object({ reads: z.number(), writes: z.number() }),
  unapplied: z
    .array(issueOut.extend({ fields: z.array(z.string()) }))
    .describe('Read back after the run: fields GitHub still does not hold as written (dropped silently)'),
  remainingWrites: z.number().describe('Writes a new plan would still make; 0 when GitHub took everything'),
});

export const applyGitHubSyncTool = defineTool({
  name: 'apply_github_sync',
  title: 'Apply GitHub sync',
  description:
    'Writes a plan from plan_github_sync to GitHub: creates and updates issues (each carrying a hidden marker, ' +
    'so a retry never duplicates one), labels, milestones, sub-issues and blocked-by links. Refuses a plan ' +
    'made before GitHub or the hierarchy changed. Runs as a durable job (jobId; get_job), resumed after a crash, ' +
    'and as an MCP task for clients that ask for one. dryRun (default true) only checks the plan is current.',
  toolset: 'github',
  effect: 'write',
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    planId: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .describe('planId from plan_github_sync'),
    dryRun: z.boolean().default(true).describe('true: check the plan is still current, write nothing'),
  }),
  output,
  async handler(input, ctx) {
    const { deps } = ctx;
    if (input.dryRun) {
      const { config } = await deps.config.effective(input.workspace);
      const p = await planGitHubSync(deps, input.workspace, config, ctx.caller);
      const plan = planData(p);
      const current = p.planId === input.planId;
      return {
        data: {
          dryRun: true,
          jobId: null,
          plan,
          created: [],
          recovered: [],
          updated: [],
          requests: { reads: p.session.requests.reads, writes: 0 },
          unapplied: [],
          remainingWrites: plan.budget.contentCreating,
        },
        summary: current
          ? `Plan ${p.planId} is current: applying writes ${plan.budget.contentCreating} request(s); pass dryRun: false`
          : `Plan ${input.planId} is stale: GitHub or the hierarchy changed; the current plan is ${p.planId}`,
      };
    }
    const job = await startGitHubApply(deps, ctx.caller, input);
    const done = await runGitHubApply(deps, deps.runner, job, {
      signal: ctx.signal,
      onProgress: (p) => void ctx.progress(p.done, p.total, p.message ?? undefined).catch(() => undefined),
    });
    return resultOf(done);
  },
  task: {
    kind: GITHUB_APPLY,
    async start(input, { deps, caller, log }) {
      if (input.dryRun)
        throw new DomainError(
          'INPUT.INVALID',
          'A dry run is not a task: it answers at once',
          'Call apply_github_sync with dryRun: true without task, or pass dryRun: false to run the apply as a task.',
        );
      const job = await startGitHubApply(deps, caller, input);
      void runGitHubApply(deps, deps.runner, job).catch((err: unknown) =>
        log.error({ err, jobId: job.id }, 'GitHub apply job stopped'),
      );
      return { jobId: job.id };
    },
    result: resultOf,
  },
});

function resultOf(job: Job): ToolResult<z.input<typeof output>> {
  const { plan, write, readBack } = applyOutcome(job);
  const cap = <T>(xs: T[]) => xs.slice(0, LISTED * 4);
  const n = write.counts;
  return {
    data: {
      dryRun: false,
      jobId: job.id,
      plan,
      created: cap(write.created),
      recovered: cap(write.recovered),
      updated: cap(write.updated),
      requests: { reads: readBack.reads, writes: write.writes },
      unapplied: cap(readBack.unapplied),
      remainingWrites: readBack.remainingWrites,
    },
    summary:
      `Synced ${job.workspace} (job ${job.id}): ${n.created} issue(s) created, ${n.updated} updated` +
      (n.recovered ? `, ${n.recovered} found by marker after a lost answer` : '') +
      (job.attempts > 1 ? `, resumed ${job.attempts - 1} time(s)` : '') +
      ` (${write.writes} write(s))` +
      (readBack.unapplied.length
        ? `; GitHub did not keep ${readBack.unapplied.length} issue change(s), see unapplied`
        : ''),
    lines: [
      ...write.created.map((c) => `created #${c.number} for ${c.itemId}`),
      ...write.recovered.map((c) => `found #${c.number} for ${c.itemId}`),
      ...write.updated.map((u) => `updated #${u.number} (${u.itemId}): ${u.fields.join(', ')}`),
      ...readBack.unapplied.map(
        (u) => `GitHub did not keep #${u.number} (${u.itemId}): ${u.fields.join(', ')}`,
      ),
    ],
  };
}
