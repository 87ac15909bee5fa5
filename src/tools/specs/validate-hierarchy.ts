import * as z from 'zod';
import { RULE_IDS, RULES, SEVERITIES } from '../../governance/compliance/types.js';
import { checkHierarchy } from '../../governance/use-cases/check-hierarchy.js';
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
    const { checked, page, nextCursor, configVersions } = await checkHierarchy(deps, {
      workspace: input.workspace,
      source: input.source,
      minSeverity: input.minSeverity,
      cursor: input.cursor,
      limit: input.limit,
      onProgress: (done, total) => progress(done, total, `${done} item(s) checked`),
      signal,
    });
    const { error, warning, info } = page.counts;
    return {
      data: {
        compliant: page.compliant,
        checked,
        counts: page.counts,
        matched: page.matched,
        violations: page.violations,
        rules: Object.fromEntries(page.violations.map((v) => [v.rule, RULES[v.rule]])),
        nextCursor,
        configVersions,
      },
      summary:
        `${page.compliant ? 'Compliant' : 'Not compliant'}: ${checked} item(s), ${error} error(s), ` +
        `${warning} warning(s), ${info} info; showing ${page.violations.length} of ${page.matched}` +
        (nextCursor === null ? '' : ', more with nextCursor'),
      lines: page.violations.map(violationLine),
    };
  },
});
