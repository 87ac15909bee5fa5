import * as z from 'zod';
import { ITEM_TYPES } from '../../governance/model/work-item.js';
import { importGitHubIssues } from '../../governance/use-cases/github-import.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { applyReportOut, applySummary, toApplyReportOut } from '../specs/apply-report.js';

const LISTED = 200;

export const importGitHubIssuesTool = defineTool({
  name: 'import_github_issues',
  title: 'Import GitHub issues',
  description:
    "Imports the workspace repository's issues and sub-issue trees into the hierarchy in one transaction: " +
    'the type from `types`, else the issue type, else a type label, else the tree (root with sub-issues: epic, ' +
    'middle: feature, leaf: task); parents, blocked-by links and closed states come along, and each issue gets ' +
    "its mapping row. Issues already this workspace's are left alone; importing again creates nothing. dryRun by default.",
  toolset: 'github',
  effect: 'write',
  idempotent: true,
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    types: z
      .record(z.string().regex(/^\d{1,9}$/), z.enum(ITEM_TYPES))
      .optional()
      .describe('Issue number -> epic | feature | task, over what the issue itself says'),
    dryRun: s.dryRun,
  }),
  output: z.object({
    report: applyReportOut,
    decisions: z.array(
      z.object({
        number: z.number(),
        planId: z.string(),
        type: z.enum(ITEM_TYPES),
        rule: z.enum(['explicit', 'issue type', 'type label', 'sub-issue tree']),
      }),
    ),
    managed: z.number().describe("Issues already this workspace's (mapping row or marker): left alone"),
    skipped: z.array(z.object({ number: z.number(), reason: z.string() })),
    mapped: z.number().describe('Mapping rows written'),
  }),
  async handler(input, { deps, caller }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await importGitHubIssues(deps, caller, config, {
      workspace: input.workspace,
      dryRun: input.dryRun,
      ...(input.types && { types: input.types }),
    });
    return {
      data: {
        report: toApplyReportOut(r.report),
        decisions: r.plan.decisions.slice(0, LISTED),
        managed: r.plan.managed.length,
        skipped: r.plan.skipped.slice(0, LISTED),
        mapped: r.mapped,
      },
      summary:
        `${r.plan.decisions.length} issue(s) of ${input.workspace} to import, ${r.plan.skipped.length} skipped, ` +
        `${r.plan.managed.length} already managed: ${applySummary(r.report)}`,
      lines: [
        ...r.plan.decisions.map((d) => `#${d.number} ${d.type} (${d.rule})`),
        ...r.plan.skipped.map((x) => `#${x.number} skipped: ${x.reason}`),
      ],
    };
  },
});
