import * as z from 'zod';
import { checkStoredHierarchy } from '../../governance/compliance/check-stored.js';
import { createCollector } from '../../governance/compliance/collect.js';
import { nodeFromPlanItem } from '../../governance/compliance/nodes.js';
import { RULE_IDS, RULES, SEVERITIES } from '../../governance/compliance/types.js';
import { createValidator } from '../../governance/compliance/validate-hierarchy.js';
import { rulePlan } from '../../governance/use-cases/plan-spec.js';
import { requireWorkspace } from '../../governance/use-cases/workspaces.js';
import { DomainError } from '../../governance/errors.js';
import { defineTool } from '../../mcp/define-tool.js';
import { violationLine } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { asOf, specText } from './plan-schemas.js';

const source = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('stored'),
    rootId: s.itemId.optional().describe('Only this item and its descendants'),
  }),
  z.object({
    kind: z.literal('spec'),
    text: specText,
    asOf,
  }),
]);

const violation = z.object({
  severity: z.enum(SEVERITIES),
  rule: z.enum(RULE_IDS),
  itemId: z.string(),
  message: z.string(),
  fix: z.string().describe('A concrete action that removes the violation'),
});

function offsetOf(cursor: string | undefined): number {
  const offset = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new DomainError(
      'INPUT.INVALID',
      'The cursor is not one this tool issued',
      'Pass nextCursor from the previous page with the same source and minSeverity, or omit it.',
    );
  }
  return offset;
}

export const validateHierarchyTool = defineTool({
  name: 'validate_hierarchy',
  title: 'Validate hierarchy',
  description:
    "Check stored items or a spec's plan against the workspace's policy: violations with severity, " +
    'rule, item and fix. Writes nothing.',
  toolset: 'specs',
  effect: 'read',
  input: z.object({
    workspace: s.workspace,
    source: source.describe('stored: the items (rootId: one subtree); spec: the plan apply_spec would write'),
    minSeverity: z.enum(SEVERITIES).default('info').describe('List only this severity and worse'),
    cursor: z.string().max(20).optional().describe('nextCursor'),
    limit: z.number().int().min(1).max(200).default(50).describe('Violations per page'),
  }),
  output: z.object({
    compliant: z.boolean(),
    checked: z.number().describe('Items checked'),
    counts: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
    matched: z.number().describe('Violations at or above minSeverity'),
    violations: z.array(violation),
    rules: z.record(z.string(), z.string()).describe('What each rule of this page checks'),
    nextCursor: z.string().nullable(),
    configVersions: z.object({ org: z.number().nullable(), repo: z.number().nullable() }),
  }),
  async handler(input, { deps, progress, signal }) {
    const offset = offsetOf(input.cursor);
    const { config, versions } = await deps.config.effective(input.workspace);
    const today = deps.clock.now();
    const collector = createCollector({ minSeverity: input.minSeverity, offset, limit: input.limit });
    let checked: number;
    if (input.source.kind === 'stored') {
      checked = await checkStoredHierarchy(deps.store.reader, {
        workspace: input.workspace,
        ...(input.source.rootId && { rootId: input.source.rootId }),
        config,
        today,
        onViolations: (vs) => collector.add(vs),
        onProgress: (done, total) => progress(done, total, `${done} item(s) checked`),
        signal,
      });
      if (checked === 0) await requireWorkspace(deps.store.reader, input.workspace);
    } else {
      // The plan apply_spec would write by rules: this workspace's options and templates.
      const plan = rulePlan(input.source.text, input.source.asOf ?? today, config);
      const validator = createValidator(config, { today });
      for (const item of plan.items) collector.add(validator.push(nodeFromPlanItem(item)));
      collector.add(validator.finish());
      checked = plan.items.length;
    }
    const page = collector.page();
    const { error, warning, info } = page.counts;
    return {
      data: {
        compliant: page.compliant,
        checked,
        counts: page.counts,
        matched: page.matched,
        violations: page.violations,
        rules: Object.fromEntries(page.violations.map((v) => [v.rule, RULES[v.rule]])),
        nextCursor: page.nextOffset === null ? null : String(page.nextOffset),
        configVersions: { org: versions.org ?? null, repo: versions.repo ?? null },
      },
      summary:
        `${page.compliant ? 'Compliant' : 'Not compliant'}: ${checked} item(s), ${error} error(s), ` +
        `${warning} warning(s), ${info} info; showing ${page.violations.length} of ${page.matched}` +
        (page.nextOffset === null ? '' : ', more with nextCursor'),
      lines: page.violations.map(violationLine),
    };
  },
});
