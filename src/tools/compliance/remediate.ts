import * as z from 'zod';
import { REMEDIABLE_RULES } from '../../governance/compliance/remediation.js';
import { DomainError } from '../../governance/errors.js';
import { COMPLIANCE_SCOPES } from '../../governance/use-cases/compliance-report.js';
import { remediate } from '../../governance/use-cases/remediate.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

const rule = z.enum(REMEDIABLE_RULES);

export const remediateTool = defineTool({
  name: 'remediate',
  title: 'Remediate compliance findings',
  description:
    "Fixes the compliance findings it can: adds required labels, removes mismatched ones, opens missing sections as (draft), sets an epic's policy-named milestone; lists what needs a person. dryRun by default.",
  toolset: 'compliance',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    scope: z.enum(COMPLIANCE_SCOPES).default('workspace').describe('subtree: id and its descendants'),
    id: s.itemId.optional().describe('The item, for scope subtree or item'),
    rules: z.array(rule).min(1).max(REMEDIABLE_RULES.length).optional().describe('Only these rules'),
    dryRun: z.boolean().default(true).describe('Only report (default)'),
    limit: z.number().int().min(1).max(200).default(50).describe('Items listed'),
  }),
  output: z.object({
    dryRun: z.boolean(),
    changed: z.number().describe('Items changed (dry run: that would be)'),
    actions: z.number(),
    manual: z.number().describe('Findings left for a person'),
    byRule: z.record(z.string(), z.number()).describe('Actions per rule'),
    items: z.array(
      z.object({
        itemId: z.string(),
        version: z.number().describe('After the change (dry run: now)'),
        actions: z.array(
          z.object({
            rule,
            kind: z.enum(['addLabels', 'removeLabels', 'openSections', 'setMilestone']),
            detail: z.string(),
          }),
        ),
        manual: z.array(z.object({ rule, detail: z.string() })),
      }),
    ),
  }),
  async handler(input, { deps, caller, progress, signal }) {
    if (input.scope !== 'workspace' && input.id === undefined) {
      throw new DomainError(
        'INPUT.INVALID',
        `scope "${input.scope}" needs the item's id`,
        'Pass id, or scope "workspace".',
      );
    }
    const r = await remediate(deps, caller, {
      workspace: input.workspace,
      scope: input.scope,
      ...(input.id !== undefined && { id: input.id }),
      ...(input.rules !== undefined && { rules: input.rules }),
      dryRun: input.dryRun,
      limit: input.limit,
      onProgress: (done, total) => progress(done, total, `${done} item(s) checked`),
      signal,
    });
    return {
      data: { ...r, items: r.items.map(({ patch: _patch, ...rest }) => rest) },
      summary:
        `${r.actions} action(s) on ${r.changed} item(s) ${r.dryRun ? 'would be applied' : 'applied'}, ${r.manual} left for a person` +
        (r.dryRun && r.actions > 0 ? ' (dry run: pass dryRun: false to apply)' : ''),
      lines: r.items.flatMap((i) => [
        ...i.actions.map((a) => `${i.itemId} ${a.rule}: ${a.detail}`),
        ...i.manual.map((m) => `${i.itemId} ${m.rule} (by hand): ${m.detail}`),
      ]),
    };
  },
});
