import * as z from 'zod';
import { SPEC_ID_MAX, SPEC_ID_PATTERN } from '../../governance/model/spec.js';
import { planSpec } from '../../governance/use-cases/plan-spec.js';
import { specValidation } from '../../governance/use-cases/spec-validation.js';
import { applySpec } from '../../governance/use-cases/spec-store.js';
import { defineTool } from '../../mcp/define-tool.js';
import { applyLines } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { applySpecOut, applySpecSummary, orphansIn, toApplySpecOut } from './apply-report.js';
import { asOf, method, specText } from './plan-schemas.js';

const specId = z
  .string()
  .max(SPEC_ID_MAX)
  .regex(new RegExp(SPEC_ID_PATTERN, 'u'))
  .optional()
  .describe(
    'Id the spec is stored under (lower-case letters of any script, digits, inner -); default: the ' +
      'first heading slugified; when it is generic (PRD, Spec, none), the id of the most similar stored ' +
      'spec with that title, else the title plus a content hash. Passing it replaces the stored spec ' +
      'of that id even when the text is unrelated',
  );

const onConflict = z
  .enum(['keep', 'spec'])
  .default('keep')
  .describe(
    'A field edited in the hierarchy that the spec also changed since the last applied version: ' +
      'keep the edit (default) or take the spec value',
  );

// A write tool of its own rather than an `apply` flag on decompose_spec: --read-only keeps the preview.
export const applySpecTool = defineTool({
  name: 'apply_spec',
  title: 'Apply spec',
  description:
    "Write a spec's plan into the hierarchy in one transaction (create, update, link; never delete) " +
    'and store the spec version with its status. Re-applying merges three ways against the last ' +
    'applied version: fields edited since are kept, conflicts reported. The same plan twice changes nothing. ' +
    "Writes to this server's store only: nothing is on GitHub until plan_github_sync and apply_github_sync run.",
  toolset: 'specs',
  effect: 'write',
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    text: specText,
    specId,
    onConflict,
    orphans: orphansIn,
    asOf,
    method,
    dryRun: s.dryRun,
  }),
  output: applySpecOut,
  async handler(input, { deps, caller, models, signal }) {
    const { config } = await deps.config.effective(input.workspace);
    const { plan, generation } = await planSpec(
      { text: input.text, method: input.method, now: input.asOf ?? deps.clock.now(), config },
      models,
      signal,
      () => Date.parse(deps.clock.now()),
    );
    const r = await applySpec(deps, caller, {
      workspace: input.workspace,
      specId: input.specId,
      onConflict: input.onConflict,
      orphans: input.orphans,
      text: input.text,
      plan,
      generation,
      dryRun: input.dryRun,
      validate: specValidation(config, plan),
    });
    const data = toApplySpecOut(r);
    const where = r.report.dryRun
      ? ''
      : "; kept in this server's store, not on GitHub until apply_github_sync runs";
    return { data, summary: `${applySpecSummary(r)}${where}`, lines: applyLines(data) };
  },
});
