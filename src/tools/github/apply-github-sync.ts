import * as z from 'zod';
import { applyGitHubSync, planGitHubSync } from '../../governance/use-cases/github-sync.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { LISTED, planData, planOut } from './sync-out.js';

const issueOut = z.object({ itemId: z.string(), number: z.number() });

export const applyGitHubSyncTool = defineTool({
  name: 'apply_github_sync',
  title: 'Apply GitHub sync',
  description:
    'Writes a plan from plan_github_sync to GitHub: creates and updates issues (each carrying a hidden marker, ' +
    'so a retry never duplicates one), labels, milestones, sub-issues and blocked-by links. Refuses a plan ' +
    'made before GitHub or the hierarchy changed. dryRun (default true) only checks the plan is current.',
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
  output: z.object({
    dryRun: z.boolean(),
    plan: planOut,
    created: z.array(issueOut),
    recovered: z.array(issueOut).describe('Creates whose answer was lost, found by marker, not made twice'),
    updated: z.array(issueOut.extend({ fields: z.array(z.string()) })),
    requests: z.object({ reads: z.number(), writes: z.number() }),
    unapplied: z
      .array(issueOut.extend({ fields: z.array(z.string()) }))
      .describe('Read back after the run: fields GitHub still does not hold as written (dropped silently)'),
    remainingWrites: z.number().describe('Writes a new plan would still make; 0 when GitHub took everything'),
  }),
  async handler(input, { deps, caller, progress }) {
    const { config } = await deps.config.effective(input.workspace);
    if (input.dryRun) {
      const p = await planGitHubSync(deps, input.workspace, config);
      const plan = planData(p);
      const current = p.planId === input.planId;
      return {
        data: {
          dryRun: true,
          plan,
          created: [],
          recovered: [],
          updated: [],
          requests: p.session.requests,
          unapplied: [],
          remainingWrites: plan.budget.contentCreating,
        },
        summary: current
          ? `Plan ${p.planId} is current: applying writes ${plan.budget.contentCreating} request(s); pass dryRun: false`
          : `Plan ${input.planId} is stale: GitHub or the hierarchy changed; the current plan is ${p.planId}`,
      };
    }
    const r = await applyGitHubSync(deps, caller, {
      workspace: input.workspace,
      planId: input.planId,
      config,
      progress: (done, total, message) => progress(done, total, message),
    });
    const cap = <T>(xs: T[]) => xs.slice(0, LISTED * 4);
    return {
      data: {
        dryRun: false,
        plan: planData(r.planned),
        created: cap(r.applied.created),
        recovered: cap(r.applied.recovered),
        updated: cap(r.applied.updated),
        requests: r.planned.session.requests,
        unapplied: cap(r.unapplied),
        remainingWrites: r.remainingWrites,
      },
      summary:
        `Synced ${input.workspace}: ${r.applied.created.length} issue(s) created, ${r.applied.updated.length} updated` +
        (r.applied.recovered.length
          ? `, ${r.applied.recovered.length} found by marker after a lost answer`
          : '') +
        ` (${r.planned.session.requests.writes} write(s))` +
        (r.unapplied.length
          ? `; GitHub did not keep ${r.unapplied.length} issue change(s), see unapplied`
          : ''),
      lines: [
        ...r.applied.created.map((c) => `created #${c.number} for ${c.itemId}`),
        ...r.applied.recovered.map((c) => `found #${c.number} for ${c.itemId}`),
        ...r.applied.updated.map((u) => `updated #${u.number} (${u.itemId}): ${u.fields.join(', ')}`),
        ...r.unapplied.map((u) => `GitHub did not keep #${u.number} (${u.itemId}): ${u.fields.join(', ')}`),
      ],
    };
  },
});
