import * as z from 'zod';
import { DomainError } from '../../governance/errors.js';
import { importSpecKit, importTaskMaster } from '../../governance/import/index.js';
import { applyPlan } from '../../governance/use-cases/apply-plan.js';
import { defineTool } from '../../mcp/define-tool.js';
import { applyLines } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { applyReportOut, applySummary, orphansIn, toApplyReportOut } from './apply-report.js';

export const importTasksTool = defineTool({
  name: 'import_tasks',
  title: 'Import tasks',
  description:
    'Import a Task Master tasks.json or a spec-kit tasks.md into the hierarchy in one transaction, ' +
    'statuses included. Never deletes (tasks gone from the file are reported, or cancelled with orphans: "cancel"); re-importing is a no-op.',
  toolset: 'specs',
  effect: 'write',
  idempotent: true,
  input: z.object({
    workspace: s.workspace,
    format: z.enum(['taskmaster', 'speckit']),
    // Above 5 MiB of characters so the importer, which counts bytes, gives the precise error.
    content: z.string().max(5_500_000).describe('The file, up to 5 MiB'),
    tag: z.string().trim().min(1).max(100).optional().describe('Task Master tag (default master)'),
    orphans: orphansIn,
    dryRun: s.dryRun,
  }),
  output: applyReportOut,
  async handler(input, { deps, caller }) {
    const now = deps.clock.now();
    if (input.format === 'speckit' && input.tag !== undefined) {
      throw new DomainError(
        'INPUT.INVALID',
        'tag applies to Task Master files only',
        'Omit tag for speckit.',
      );
    }
    const plan =
      input.format === 'taskmaster'
        ? importTaskMaster(input.content, { now, ...(input.tag !== undefined && { tag: input.tag }) })
        : importSpecKit(input.content, { now });
    const r = await applyPlan(deps, caller, {
      workspace: input.workspace,
      plan,
      origin: input.format,
      dryRun: input.dryRun,
      orphans: input.orphans,
    });
    const data = toApplyReportOut(r);
    return { data, summary: applySummary(r), lines: applyLines(data) };
  },
});
