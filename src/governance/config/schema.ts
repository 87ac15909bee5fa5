/**
 * The governance configuration document (issue 3): templates, generation and structure rules, agent
 * services, milestone policy, compliance and labels. One schema for every scope; org and repo scopes
 * carry a deep-partial override of it (./override.ts), and the merged result must pass this one.
 */
import * as z from 'zod';
import { RULE_IDS, SEVERITIES } from '../compliance/types.js';
import { ITEM_TYPES, LIMITS, PRIORITIES } from '../model/work-item.js';

export const CONFIG_SCHEMA_VERSION = 1;

/** Placeholders a pattern may use, per pattern kind. */
export const PLACEHOLDERS = {
  title: ['name'],
  milestone: ['quarter', 'year', 'epic_name'],
} as const;

const PLACEHOLDER_RE = /\{([^{}]*)\}/g;

/** A pattern such as `Epic: {name}`: only the listed placeholders, balanced braces, `required` present. */
function pattern(allowed: readonly string[], required: readonly string[] = []) {
  const known = allowed.map((p) => `{${p}}`).join(', ');
  return z
    .string()
    .min(1)
    .max(LIMITS.title)
    .superRefine((s, ctx) => {
      const used = [...s.matchAll(PLACEHOLDER_RE)].map((m) => m[1] ?? '');
      for (const name of used) {
        if (!allowed.includes(name)) {
          ctx.addIssue({ code: 'custom', message: `unknown placeholder {${name}}; known: ${known}` });
        }
      }
      if (/[{}]/.test(s.replace(PLACEHOLDER_RE, ''))) {
        ctx.addIssue({ code: 'custom', message: `unbalanced brace; placeholders are written ${known}` });
      }
      for (const name of required) {
        if (!used.includes(name)) ctx.addIssue({ code: 'custom', message: `must contain {${name}}` });
      }
    });
}

/** Short human text (a section name, a capability). */
const text = (max = 100) => z.string().trim().min(1).max(max);
const textList = (maxItems: number, max = 100) => z.array(text(max)).max(maxItems);

export const labelNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.label)
  .refine((s) => s.trim() === s, 'no leading or trailing spaces');

/** GitHub's label colour: 6 hex digits, no `#`. */
export const colorSchema = z
  .string({ error: 'expected a 6-digit hex colour string such as "d73a4a" (quote it in YAML)' })
  .regex(/^[0-9a-fA-F]{6}$/, 'expected 6 hex digits without "#", e.g. "d73a4a"');

/** Agent service id, the same string as its label: `agent:dev`. */
export const AGENT_ID_RE = /^agent:[a-z][a-z0-9-]{0,40}$/;
export const agentIdSchema = z.string().regex(AGENT_ID_RE, 'expected an agent service id like "agent:dev"');

/** A GitHub login, a team (`@org/team`) or an agent service. */
const approverSchema = z
  .string()
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})|@[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}|agent:[a-z][a-z0-9-]{0,40})$/,
    'expected a GitHub login, a team "@org/team" or an agent service "agent:x"',
  );

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const days = z.number().min(0.5).max(LIMITS.estimateDays);

const templateShape = {
  titlePattern: pattern(PLACEHOLDERS.title, ['name']),
  descriptionTemplate: z.string().max(LIMITS.description),
  defaultLabels: z.array(labelNameSchema).max(LIMITS.labels),
  requiredSections: textList(20),
};
const itemTemplateSchema = z.strictObject(templateShape);
const epicTemplateSchema = z.strictObject({
  ...templateShape,
  /** Features every epic made from this template gets (by name). */
  requiredChildFeatures: textList(50, LIMITS.title),
});

const rangeSchema = z.strictObject({ minDays: days, maxDays: days });
const TIERS = ['simple', 'medium', 'complex'] as const;

const estimationSchema = z
  .strictObject({ simple: rangeSchema, medium: rangeSchema, complex: rangeSchema })
  .superRefine((e, ctx) => {
    TIERS.forEach((tier, i) => {
      if (e[tier].minDays > e[tier].maxDays) {
        ctx.addIssue({
          code: 'custom',
          path: [tier, 'maxDays'],
          message: `must be >= ${tier}.minDays (${e[tier].minDays})`,
        });
      }
      const prev = i > 0 ? TIERS[i - 1] : undefined;
      if (prev && e[prev].maxDays > e[tier].minDays) {
        ctx.addIssue({
          code: 'custom',
          path: [tier, 'minDays'],
          message: `must be >= ${prev}.maxDays (${e[prev].maxDays}): tiers are ordered simple <= medium <= complex`,
        });
      }
    });
  });

const generationSchema = z.strictObject({
  maxFeaturesPerEpic: int(1, 50),
  maxTasksPerFeature: int(1, 100),
  /** Break features down into tasks automatically when planning. */
  autoTaskBreakdown: z.boolean(),
  estimation: estimationSchema,
});

const structureSchema = z.strictObject({
  /** Allow tasks without a parent feature (WorkspacePolicy.allowUnparentedTasks). */
  allowUnparentedTasks: z.boolean(),
});

const agentSchema = z.strictObject({
  capabilities: textList(50),
  specializations: textList(50),
  /** Higher wins when several agents could take a task. */
  assignmentPriority: int(0, 100),
  maxConcurrentTasks: int(1, 100),
  /** Escalate an assigned item this many days after it is overdue. */
  escalateAfterDaysOverdue: int(0, 365),
  /** The GitHub user a synced issue is assigned to while the item is assigned to this agent service. */
  githubAssignee: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub login')
    .optional(),
  /** The GitHub login of the human who takes work this service cannot (issue 10). */
  fallbackAssignee: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub login')
    .optional(),
  /** Unavailable when no heartbeat (register_agent_service) came within this many minutes; absent: always available. */
  heartbeatTimeoutMinutes: z.number().min(1).max(525_600).optional(),
});

const milestonesSchema = z.strictObject({
  defaultDurationDays: int(1, 366),
  autoCreate: z.boolean(),
  namingPattern: pattern(PLACEHOLDERS.milestone),
});

export const DEPENDENCY_RULES = ['warn', 'enforce'] as const;

const rulesSchema = z.strictObject({
  /** A task moving to done while a task it depends on is open: a warning in the result, or a refusal. */
  dependencies: z.enum(DEPENDENCY_RULES),
  /** The GitHub login an item falls back to when no agent service can take it and none names a fallback. */
  fallbackAssignee: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub login')
    .optional(),
});

const approvalSchema = z
  .strictObject({
    required: z.boolean(),
    minApprovals: int(1, 10),
    approvers: z.array(approverSchema).max(50),
  })
  .superRefine((a, ctx) => {
    if (a.approvers.length > 0 && a.minApprovals > a.approvers.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['minApprovals'],
        message: `cannot exceed the ${a.approvers.length} listed approver(s)`,
      });
    }
  });

const ruleOverrideSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Refuse a write that would leave an item with a new violation of this rule (COMPLIANCE.VIOLATION). */
  enforce: z.boolean().optional(),
  severity: z.enum(SEVERITIES).optional(),
  /** Tags such as `sox` or `iso27001`: check_compliance totals violations per category. */
  categories: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'expected a lower-case tag such as "sox"'))
    .max(20)
    .optional(),
});

const perItemType = <T extends z.ZodType>(s: T) =>
  z.strictObject(Object.fromEntries(ITEM_TYPES.map((t) => [t, s])) as Record<(typeof ITEM_TYPES)[number], T>);

const complianceSchema = z.strictObject({
  auditRequired: z.boolean(),
  approvals: z.strictObject({
    epicCreation: approvalSchema,
    milestoneChanges: approvalSchema,
    /** Further write tools that wait for approval, by tool name (e.g. `apply_spec`). */
    actions: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected a tool name'), approvalSchema),
    /** A pending request expires this long after it was made. */
    expiresAfterHours: z.number().min(0.01).max(2160), // 90 days
    /** Whether a client with MCP elicitation may decide at once (its user answering the form). */
    elicitation: z.boolean(),
    elicitationTimeoutSeconds: z.number().min(0.05).max(600),
  }),
  /** Sections an item's description must have before it can be done, per item type. */
  requiredDocumentation: perItemType(textList(20)),
  /** What complete_item checks before an item moves to review; a failing gate refuses the completion. */
  completionGates: z
    .array(z.enum(['acceptanceCriteria', 'requiredSections', 'linkedPullRequest']))
    .max(3)
    .refine((g) => new Set(g).size === g.length, 'lists a gate twice'),
  /** Per compliance rule (validate_hierarchy's rule ids): off, another severity, compliance categories. */
  rules: z.record(
    z.string().refine((k) => (RULE_IDS as readonly string[]).includes(k), {
      message: `expected a rule id: ${RULE_IDS.join(', ')}`,
    }),
    ruleOverrideSchema,
  ),
});

export const labelSchema = z.strictObject({
  name: labelNameSchema,
  color: colorSchema,
  description: z.string().max(100),
});

const labelsSchema = z.strictObject({
  type: perItemType(labelSchema),
  priority: z.strictObject(
    Object.fromEntries(PRIORITIES.map((p) => [p, labelSchema])) as Record<
      (typeof PRIORITIES)[number],
      typeof labelSchema
    >,
  ),
  agent: z.record(agentIdSchema, labelSchema),
});

/** The document's shape without the cross-section rules (the override schema is derived from it). */
export const configShapeSchema = z.strictObject({
  version: z.literal(CONFIG_SCHEMA_VERSION),
  templates: z.strictObject({
    epic: epicTemplateSchema,
    feature: itemTemplateSchema,
    task: itemTemplateSchema,
  }),
  generation: generationSchema,
  structure: structureSchema,
  agents: z.record(agentIdSchema, agentSchema),
  milestones: milestonesSchema,
  rules: rulesSchema,
  compliance: complianceSchema,
  labels: labelsSchema,
});

export type GovernanceConfig = z.output<typeof configShapeSchema>;

export const governanceConfigSchema = configShapeSchema.superRefine(crossChecks);

export type AgentConfig = z.output<typeof agentSchema>;
export type LabelConfig = z.output<typeof labelSchema>;

/** Rules spanning sections; each issue names the field to change. */
function crossChecks(c: GovernanceConfig, ctx: z.RefinementCtx): void {
  const required = c.templates.epic.requiredChildFeatures.length;
  if (required > c.generation.maxFeaturesPerEpic) {
    ctx.addIssue({
      code: 'custom',
      path: ['templates', 'epic', 'requiredChildFeatures'],
      message: `lists ${required} features but generation.maxFeaturesPerEpic is ${c.generation.maxFeaturesPerEpic}`,
    });
  }
  for (const agent of Object.keys(c.agents)) {
    if (!c.labels.agent[agent]) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels', 'agent', agent],
        message: `agent service ${agent} has no label`,
      });
    }
  }
  const seen = new Map<string, string>();
  for (const [group, labels] of Object.entries(c.labels)) {
    for (const [key, label] of Object.entries(labels as Record<string, LabelConfig>)) {
      const at = `labels.${group}.${key}`;
      const first = seen.get(label.name.toLowerCase());
      if (first) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels', group, key, 'name'],
          message: `"${label.name}" is already used by ${first} (label names are case-insensitive)`,
        });
      } else {
        seen.set(label.name.toLowerCase(), at);
      }
    }
  }
}
