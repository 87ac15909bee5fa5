import * as z from 'zod';
import { RULE_IDS, SEVERITIES } from '../../governance/compliance/types.js';
import { COMPLIANCE_SCOPES } from '../../governance/use-cases/compliance-report.js';
import { complianceTrend, servedReport } from '../../governance/use-cases/compliance-trend.js';
import { DomainError } from '../../governance/errors.js';
import { defineTool } from '../../mcp/define-tool.js';
import { violationLine } from '../../mcp/text.js';
import * as s from '../schemas.js';

const counts = z.record(z.string(), z.number());

export const complianceReportOut = z.object({
  checked: z.number().describe('Items checked'),
  complianceRate: z.number().describe('Share of items without an error finding (0-1)'),
  meanScore: z.number().describe('Mean item score (100 = no finding)'),
  byRule: counts,
  bySeverity: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
  byCategory: counts.describe("Findings per compliance.rules category (e.g. 'sox')"),
  itemsWithFindings: z.number(),
  items: z
    .array(
      z.object({
        itemId: z.string(),
        score: z.number(),
        violations: z.array(
          z.object({
            severity: z.enum(SEVERITIES),
            rule: z.enum(RULE_IDS),
            itemId: z.string(),
            message: z.string(),
            fix: z.string(),
            categories: z.array(z.string()),
          }),
        ),
      }),
    )
    .describe('Lowest score first'),
  configVersions: z.object({ org: z.number().nullable(), repo: z.number().nullable() }),
});

export const checkComplianceTool = defineTool({
  name: 'check_compliance',
  title: 'Check compliance',
  description:
    "Checks stored items against the workspace's policy (compliance.rules can turn a rule off, change its severity, tag it with categories): compliance rate, a score per item, totals per rule, severity and category, each finding with its fix.",
  toolset: 'compliance',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    scope: z.enum(COMPLIANCE_SCOPES).default('workspace').describe('subtree: id and its descendants'),
    id: s.itemId.optional().describe('The item, for scope subtree or item'),
    limit: z.number().int().min(1).max(200).default(50).describe('Items listed'),
    since: z.iso
      .date()
      .or(z.iso.datetime())
      .optional()
      .describe('Workspace scope: the trend since this date'),
  }),
  output: complianceReportOut.extend({
    trend: z
      .object({
        since: z.string(),
        points: z.array(
          z.object({
            at: z.string(),
            checked: z.number(),
            complianceRate: z.number(),
            meanScore: z.number(),
            errors: z.number(),
            warnings: z.number(),
            infos: z.number(),
          }),
        ),
        change: z
          .object({
            complianceRate: z.number(),
            meanScore: z.number(),
            errors: z.number(),
            warnings: z.number(),
          })
          .nullable()
          .describe('Now minus the first snapshot since the date'),
      })
      .optional()
      .describe('Oldest first; the last point is this report'),
  }),
  async handler(input, { deps, progress, signal }) {
    if (input.scope !== 'workspace' && input.id === undefined) {
      throw new DomainError(
        'INPUT.INVALID',
        `scope "${input.scope}" needs the item's id`,
        'Pass id, or scope "workspace".',
      );
    }
    if (input.scope !== 'workspace' && input.since !== undefined) {
      throw new DomainError(
        'INPUT.INVALID',
        'since applies to scope "workspace"',
        'Drop since, or use scope "workspace".',
      );
    }
    const r = await servedReport(deps, {
      workspace: input.workspace,
      scope: input.scope,
      ...(input.id !== undefined && { id: input.id }),
      limit: input.limit,
      onProgress: (done, total) => progress(done, total, `${done} item(s) checked`),
      signal,
    });
    const trend =
      input.since === undefined
        ? undefined
        : await complianceTrend(deps, input.workspace, input.since, deps.clock.now(), r);
    const pct = Math.round(r.complianceRate * 1000) / 10;
    const moved = trend?.change
      ? `; since ${input.since}: ${trend.change.complianceRate >= 0 ? '+' : ''}${Math.round(trend.change.complianceRate * 1000) / 10} points, ${trend.change.errors >= 0 ? '+' : ''}${trend.change.errors} error(s)`
      : trend
        ? `; no snapshot since ${input.since} to compare with`
        : '';
    return {
      data: { ...r, ...(trend && { trend }) },
      summary:
        `${pct}% of ${r.checked} item(s) compliant, mean score ${Math.round(r.meanScore)}; ` +
        `${r.bySeverity.error} error(s), ${r.bySeverity.warning} warning(s), ${r.bySeverity.info} info${moved}`,
      lines: r.items.flatMap((i) => i.violations.map(violationLine)).slice(0, 100),
    };
  },
});
