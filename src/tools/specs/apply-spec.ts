import * as z from 'zod';
import { decomposeSpec } from '../../governance/decompose/index.js';
import { applyPlan } from '../../governance/use-cases/apply-plan.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { applyReportOut, applySummary, dryRun, toApplyReportOut } from './apply-report.js';
import { asOf, specText } from './plan-schemas.js';

// A write tool of its own rather than an `apply` flag on decompose_spec: --read-only keeps the preview.
export const applySpecTool = defineTool({
  name: 'apply_spec',
  title: 'Apply spec',
  description:
    "Decompose a spec and write the plan into the workspace's hierarchy in one transaction: creates " +
    'missing items, updates changed ones, adds links. Never deletes; re-applying is a no-op.',
  toolset: 'specs',
  effect: 'write',
  idempotent: true,
  input: z.object({ workspace: s.workspace, text: specText, asOf, dryRun }),
  output: applyReportOut,
  async handler(input, { deps, caller }) {
    const plan = decomposeSpec(input.text, { now: input.asOf ?? deps.clock.now() });
    const r = await applyPlan(deps, caller, {
      workspace: input.workspace,
      plan,
      origin: 'spec',
      dryRun: input.dryRun,
    });
    return { data: toApplyReportOut(r), summary: applySummary(r) };
  },
});
