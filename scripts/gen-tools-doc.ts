// Generates docs/tools.md from the tool and resource definitions (STYLE convention 9).
//
//   node --import tsx scripts/gen-tools-doc.ts          write docs/tools.md
//   node --import tsx scripts/gen-tools-doc.ts --check  exit 1 when docs/tools.md differs
//
// Inputs come from the full zod JSON schema (what tools/list leaves out, such as lengths and
// patterns, is documented here). The output is deterministic and formatted with the repository's
// Prettier config, so `prettier --check` and `--check` agree.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../src/governance/errors.js';
import { TRANSITIONS } from '../src/governance/rules/status.js';
import type { AnyTool } from '../src/mcp/define-tool.js';
import { ERROR_META_KEY } from '../src/mcp/errors.js';
import { CORRELATION_META_KEY } from '../src/mcp/register-tools.js';
import { annotationsOf, jsonSchemaOf } from '../src/mcp/tool-schema.js';
import { TOOLSETS } from '../src/mcp/toolsets.js';
import { allPrompts } from '../src/prompts/index.js';
import { allResources } from '../src/resources/index.js';
import { auditOut } from '../src/tools/audit/query-audit.js';
import { loadTools } from '../src/mcp/registry.js';
import { toolCatalog } from '../src/tools/catalog.js';
import { milestoneOut } from '../src/tools/milestones/list-milestones.js';
import { itemOut } from '../src/tools/schemas.js';

const allTools = await loadTools(toolCatalog);

/** The parts of a JSON Schema (as zod emits it) that the reference shows. */
interface Schema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
}

const schemaOf = (s: z.ZodType): Schema => jsonSchemaOf(s, 'output');

const OUT_FILE = fileURLToPath(new URL('../docs/tools.md', import.meta.url));

/** What each code means; a Record so that a new code without an entry fails the typecheck. */
const ERROR_MEANINGS: Record<ErrorCode, string> = {
  'INPUT.INVALID':
    'The arguments do not match the input schema (`details.issues` names every bad field), or the tool or cursor is unknown.',
  'WORKSPACE.INVALID': 'The workspace is not a GitHub `owner/repo` name.',
  'WORKSPACE.NOT_FOUND':
    "Nothing was ever written to the workspace in this server's store (reads answer empty only for workspaces that exist); `details.nearest` names up to 3 known workspaces with similar names, `list_workspaces` lists them all.",
  'ITEM.NOT_FOUND': 'No item with that id in the workspace.',
  'ITEM.PREVIEW_ID':
    "The id is one of `decompose_spec`'s preview ids (`T-` and 10 letters and digits), not a stored item: `apply_spec` with `dryRun: false` writes the plan, and its `created[]` pairs each `planId` with the stored id.",
  'ITEM.VERSION_CONFLICT':
    'The item changed since it was read: `expectedVersion` is stale (`details.currentVersion`; `details.lastChange` names the actor and action, and whether it was a roll-up from a child).',
  'AGENT.UNKNOWN':
    "The agent is not one of the agent services of the workspace's effective configuration (`details.agents` lists them; `update_config` adds one).",
  'AGENT.WIP_LIMIT':
    'The agent service already has as many open tasks as its `maxConcurrentTasks` (`details.openTasks`, `details.maxConcurrentTasks`).',
  'AGENT.NONE_AVAILABLE':
    'No agent service names a capability of the item, or every one that does is at its WIP limit (`details.rule`, `details.candidates`).',
  'AGENT.UNAVAILABLE':
    'The agent service has a heartbeat window (`heartbeatTimeoutMinutes`) and sent no heartbeat within it (`details.lastHeartbeatAt`); `register_agent_service` refreshes it.',
  'AGENT.NOT_ASSIGNED':
    'The item is assigned to another agent service than the one reporting on it (`details.agent`); `assign_item` reassigns it.',
  'PROGRESS.ROLLED_UP':
    'The item has children: its progress is their mean, so report progress on them (`details.children`).',
  'COMPLETION.GATES_FAILED':
    'A quality gate of `compliance.completionGates` failed (`details.gates` lists each with its outcome and what to fix); nothing was written.',
  'ESCALATION.NOT_DUE':
    "The item is not past its service's escalation threshold (`details.overdue`); `force: true` escalates anyway.",
  'ESCALATION.NO_FALLBACK':
    'No human fallback is set for the service (`agents.<id>.fallbackAssignee`) or the workspace (`rules.fallbackAssignee`).',
  'COMPLIANCE.VIOLATION':
    'The write would give an item a violation of a rule the policy makes enforcing (`compliance.rules.<id>.enforce`); `details.violations` lists rule, item and remediation. Nothing was written.',
  'HIERARCHY.INVALID_PARENT': 'The parent has the wrong type, or is done while the child would be open.',
  'HIERARCHY.PARENT_REQUIRED': 'A feature needs an epic as parent, a task a feature.',
  'STATUS.INVALID_TRANSITION':
    'The status change is not in the transition table (`details.from`, `to`, `allowed`).',
  'STATUS.REASON_REQUIRED': 'Blocking an item needs a `reason`.',
  'STATUS.CHILDREN_OPEN':
    'An item cannot be done while a child is open (`details.open`; a cancelled child does not count).',
  'DEPENDENCY.OPEN':
    'An item cannot be done while an item it depends on is open, when the workspace sets `rules.dependencies: enforce` (`details.open`); with `warn` the result carries a warning instead.',
  'LINK.SELF': 'An item cannot depend on itself.',
  'LINK.CYCLE': 'The link would close a dependency cycle (`details.cycle`).',
  'LINK.EXISTS': 'The link is already there.',
  'LINK.NOT_FOUND': 'There is no such link to remove.',
  'MILESTONE.NOT_FOUND': 'No milestone with that id in the workspace.',
  'MILESTONE.TITLE_TAKEN': 'Another milestone of the workspace has that title.',
  'MILESTONE.VERSION_CONFLICT': 'The milestone changed since it was read: `expectedVersion` is stale.',
  'CONFIG.INVALID':
    'The governance configuration breaks its schema (`details.issues` names every bad path, with line and column when it came from a policy file).',
  'CONFIG.VERSION_CONFLICT':
    'The configuration override changed since it was read: `expectedVersion` is stale (`details.currentVersion`).',
  'CONFIG.WOULD_ORPHAN':
    'The update would forbid unparented tasks while the workspace has some (`details.workspaces` names up to 10 tasks each).',
  'POLICY.YAML_SYNTAX': 'The policy file is not valid YAML (`details.issues` gives line and column).',
  'POLICY.TOO_LARGE': 'The policy file is larger than 256 KB.',
  'POLICY.NOT_FOUND':
    'The source has no `.github/governance.yml` for the workspace (on GitHub, also: no such repository or ref, or the token cannot see it).',
  'POLICY.UNREADABLE':
    'The policy file cannot be used as text: not UTF-8, not a regular file, or a link pointing outside `GF_POLICY_DIR` (`details.reason`).',
  'POLICY.SOURCE_NOT_CONFIGURED':
    'The policy source asked for is not configured: `github` needs `GITHUB_TOKEN`, `file` needs `GF_POLICY_DIR`.',
  'GITHUB.UNAUTHORIZED': 'GitHub rejected the token (`GITHUB_TOKEN` is wrong, expired or revoked).',
  'GITHUB.FORBIDDEN':
    'The token is valid but lacks a permission the call needs (`details.permission` when GitHub names it; scopes, fine-grained permissions, SSO).',
  'GITHUB.RATE_LIMITED':
    'The GitHub rate limit is exhausted; `details.resetAt` says when it resets (`details.retryAfterSeconds`).',
  'GITHUB.UNAVAILABLE': 'GitHub (or `GITHUB_API_URL`) cannot be reached or answered with a server error.',
  'GITHUB.NOT_FOUND':
    'GitHub has no such repository, issue or node, or the token may not see it (GitHub answers 404 for both).',
  'GITHUB.VALIDATION':
    "GitHub refused a change as invalid; `details.errors` carries GitHub's own list (the field and why).",
  'GITHUB.NOT_CONFIGURED':
    'The call needs GitHub and no access is configured: set `GITHUB_TOKEN` (or the `GITHUB_APP_*` settings) and restart.',
  'SYNC.PLAN_STALE':
    'GitHub or the hierarchy changed since the plan was made (`details.currentPlanId`): review the new plan and apply its id.',
  'SYNC.LIMIT':
    "The hierarchy breaks GitHub's limits (`details.problems`: body or title length, sub-issues per parent, dependencies); nothing was written.",
  'JOB.NOT_FOUND': 'No job has that id.',
  'JOB.ACTIVE':
    'A job of that kind is already queued or running in the workspace (`details.jobId`): follow it or cancel it first.',
  'JOB.LEASE_LOST':
    'Another runner took the job over (this one stopped answering in time); it carries on from the last finished step.',
  'JOB.CANCELLED': 'The job was cancelled on request; its remaining steps were skipped.',
  'MODEL.UNAVAILABLE':
    'The `method` asked for a model this call cannot use: `sampling` without a client that declared sampling, or `provider` without a configured provider. `auto` never fails this way.',
  'SPEC.EMPTY': 'The spec is empty, or has headings and decorations but no requirement text.',
  'SPEC.BINARY': 'The spec is not text: it contains NUL bytes or too many control characters.',
  'SPEC.TOO_LARGE':
    'The spec is over the size limit (1 MiB of UTF-8 by default; `details.bytes`, `details.limit`).',
  'SPEC.NOT_FOUND':
    'No stored spec (or no such version of it) with that id in the workspace; `apply_spec` stores one when it writes.',
  'SPEC.UNRELATED':
    'The text shares almost nothing with the stored version of the spec id it defaulted to (`details.similarity` under `details.threshold`); pass `specId` to replace that spec on purpose.',
  'IMPORT.INVALID':
    'The file to import is not valid JSON (`details.line`, `details.column`), does not have the expected shape (`details.issues` gives each path), or names an unknown tag (`details.tags`).',
  'IMPORT.EMPTY': 'The file to import holds no tasks.',
  'IMPORT.TOO_LARGE': 'The file to import is over 5 MiB of UTF-8 (`details.bytes`, `details.limit`).',
  'PLAN.TOO_LARGE':
    'The plan is too large to apply in one call: over 5,000 items or 20,000 links (`details.items`, `details.links`). Nothing was written.',
  'APPROVAL.PENDING':
    'The policy (`compliance.approvals`) holds this change for approval: nothing was changed; `details.requestId` names the request to decide with `decide_approval`.',
  'APPROVAL.REJECTED':
    'The change was rejected by an approver (at once, through elicitation): nothing was changed.',
  'APPROVAL.NOT_FOUND': 'No approval request with that id in the workspace.',
  'APPROVAL.DECIDED': 'The request was already decided (by this approver, or it is no longer pending).',
  'APPROVAL.EXPIRED':
    'The request passed `expiresAt` before enough approvals: it is now marked expired; make the change again.',
  'APPROVAL.FORBIDDEN': "The caller is not among the rule's approvers (`details.approvers`).",
  'APPROVAL.SELF': 'The requester cannot decide their own change.',
  'AUDIT.CHAIN_BROKEN':
    "The workspace's audit chain no longer continues its last signed checkpoint (records missing, rewritten, or the checkpoint itself altered): nothing was signed; `verify_audit` names the problem.",
  'AUDIT.NO_SIGNING_KEY':
    'The server has no audit signing key (GF_AUDIT_SIGNING_KEY or the key file), so it cannot sign checkpoints or exports.',
  'STORE.BUSY': 'Another writer holds the workspace; retry in a moment.',
  'STORE.UNAVAILABLE': 'The database cannot be reached.',
  INTERNAL: 'An unexpected failure; nothing was changed and the details are in the server log.',
};

/** Entities documented once and linked from the tools that return them. */
const SHAPES: { name: string; anchor: string; schema: Schema; source: string }[] = [
  { name: 'Item', anchor: 'item', schema: jsonSchemaOf(itemOut, 'output'), source: 'src/tools/schemas.ts' },
  {
    name: 'Milestone',
    anchor: 'milestone',
    schema: jsonSchemaOf(milestoneOut, 'output'),
    source: 'src/tools/milestones/list-milestones.ts',
  },
  {
    name: 'Audit record',
    anchor: 'audit-record',
    schema: jsonSchemaOf(auditOut, 'output'),
    source: 'src/tools/audit/query-audit.ts',
  },
];

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (s: unknown): string => `\`${typeof s === 'string' ? s : JSON.stringify(s)}\``;
const table = (head: string[], rows: string[][]): string =>
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
const BIG = Number.MAX_SAFE_INTEGER;

/**
 * `X | null` written any way (null anywhere in an anyOf or oneOf, or a type list) becomes its
 * non-null part plus a flag; the outer description wins, as in the advertised schema.
 */
function unwrapNull(s: Schema): { s: Schema; nullable: boolean } {
  const alts = s.anyOf ?? s.oneOf;
  const isNull = (x: Schema) => x.type === 'null';
  if (alts?.some(isNull)) {
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    const left = alts.filter((x) => !isNull(x));
    const only = left.length === 1 ? left[0]! : { [s.anyOf ? 'anyOf' : 'oneOf']: left };
    return { s: { ...only, ...rest, description: s.description ?? only.description }, nullable: true };
  }
  if (Array.isArray(s.type) && s.type.includes('null')) {
    const types = s.type.filter((t) => t !== 'null');
    return { s: { ...s, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  return { s, nullable: false };
}

function shapeLink(s: Schema): string | undefined {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const props = Object.keys(s.properties ?? {});
  for (const shape of SHAPES) {
    if (same(s, shape.schema)) return `[${shape.name}](#${shape.anchor})`;
    const all = shape.schema.properties ?? {};
    const left = Object.keys(all).filter((p) => !props.includes(p));
    // A shape minus a few fields still reads as that shape; a handful of its fields does not.
    if (props.length > 0 && left.length <= 3 && props.every((p) => same(s.properties?.[p], all[p]))) {
      return `[${shape.name}](#${shape.anchor}) without ${left.map(code).join(', ')}`;
    }
  }
  return undefined;
}

function typeOf(schema: Schema, link = true): string {
  const { s, nullable } = unwrapNull(schema);
  const extra = s.additionalProperties;
  let t: string;
  const linked = link && s.type === 'object' ? shapeLink(s) : undefined;
  const alts = s.anyOf ?? s.oneOf;
  if (linked) t = linked;
  else if (alts) t = alts.map((x) => typeOf(x, link)).join(' | ');
  else if (s.const !== undefined) t = code(s.const);
  else if (s.type === 'array') {
    const inner = typeOf(s.items ?? {}, link);
    t = inner.includes(' | ') || inner.includes(' without ') ? `(${inner})[]` : `${inner}[]`;
  } else if (s.type === 'object' && typeof extra === 'object' && !s.properties)
    t = `map of ${typeOf(extra, link)}`;
  else if (s.type === 'object' && s.properties) {
    // A discriminator (a const field) is shown with its value: `{ kind: "text", yaml }`.
    const keys = Object.entries(s.properties).map(([k, v]) =>
      v.const === undefined ? k : `${k}: ${JSON.stringify(v.const)}`,
    );
    t = `{ ${keys.join(', ')} }`;
  } else if (Array.isArray(s.type)) t = s.type.join(' | ');
  else t = s.type ?? 'any';
  return nullable ? `${t} | null` : t;
}

function constraints(schema: Schema): string {
  const { s } = unwrapNull(schema);
  const out: string[] = [];
  const enumOf = (e: unknown[]) => `one of ${e.map(code).join(', ')}`;
  if (s.enum) out.push(enumOf(s.enum));
  if (s.const !== undefined) out.push(`exactly ${code(s.const)}`);
  if (s.items?.enum) out.push(`each ${enumOf(s.items.enum)}`);
  const len = (x: Schema, what: string) => {
    if (x.minLength !== undefined && x.maxLength !== undefined)
      out.push(`${what}${x.minLength}–${x.maxLength} chars`);
    else if (x.maxLength !== undefined) out.push(`${what}at most ${x.maxLength} chars`);
    else if (x.minLength !== undefined) out.push(`${what}at least ${x.minLength} chars`);
  };
  len(s, '');
  if (s.items) len(s.items, 'each ');
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.minimum !== undefined && Math.abs(s.minimum) < BIG) out.push(`min ${s.minimum}`);
  if (s.maximum !== undefined && Math.abs(s.maximum) < BIG) out.push(`max ${s.maximum}`);
  if (s.format) out.push(`format ${code(s.format)}`);
  else if (s.pattern) out.push(`pattern ${code(s.pattern)}`);
  if (schema.default !== undefined) out.push(`default ${code(schema.default)}`);
  return out.join('; ');
}

interface FieldRow {
  name: string;
  s: Schema;
  required: boolean;
  /** The union arm a field belongs to: `kind` = `github`. */
  when?: string;
}

/** The arms of a union of objects told apart by a const field (a zod discriminated union). */
function discriminated(s: Schema): { key: string; arms: { value: unknown; arm: Schema }[] } | undefined {
  const arms = (s.anyOf ?? s.oneOf)?.map((a) => unwrapNull(a).s);
  if (!arms?.length || !arms.every((a) => a.type === 'object' && a.properties)) return undefined;
  const key = Object.keys(arms[0]!.properties!).find((k) =>
    arms.every((a) => a.properties?.[k]?.const !== undefined),
  );
  return key ? { key, arms: arms.map((arm) => ({ value: arm.properties![key]!.const, arm })) } : undefined;
}

/** Rows for an object's fields; nested objects that are not shared shapes are flattened. */
function fieldRows(obj: Schema, prefix = ''): FieldRow[] {
  const required = new Set(obj.required ?? []);
  return Object.entries(obj.properties ?? {}).flatMap(([k, v]): FieldRow[] => {
    const name = `${prefix}${k}`;
    const row = { name, s: v, required: required.has(k) };
    const { s } = unwrapNull(v);
    const union = discriminated(s);
    if (union) {
      // One row per field of each arm, marked with the arm it belongs to.
      const { key, arms } = union;
      const keyRow = {
        name: `${name}.${key}`,
        s: { type: 'string', enum: arms.map((a) => a.value) },
        required: true,
      };
      const armRows = arms.flatMap(({ value, arm }) =>
        fieldRows(
          {
            ...arm,
            properties: Object.fromEntries(Object.entries(arm.properties!).filter(([k]) => k !== key)),
          },
          `${name}.`,
        ).map((r) => ({ ...r, when: `${code(key)} = ${code(value)}` })),
      );
      return [row, keyRow, ...armRows];
    }
    const inner = s.type === 'array' ? unwrapNull(s.items ?? {}).s : s;
    if (inner.type === 'object' && inner.properties && !shapeLink(inner)) {
      return [row, ...fieldRows(inner, `${name}${s.type === 'array' ? '[]' : ''}.`)];
    }
    return [row];
  });
}

function toolSection(tool: AnyTool): string {
  const input = jsonSchemaOf(tool.input, 'input') as Schema;
  const output = schemaOf(tool.output);
  const hints = Object.entries(annotationsOf(tool))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  const withArm = (f: FieldRow) =>
    [f.when && `only with ${f.when}`, constraints(f.s)].filter(Boolean).join('; ');
  const inputRows = fieldRows(input).map((f) => [
    code(f.name),
    typeOf(f.s),
    f.required ? 'yes' : 'no',
    f.s.description ?? unwrapNull(f.s).s.description ?? '',
    withArm(f),
  ]);
  const outputRows = fieldRows(output).map((f) => [code(f.name), typeOf(f.s), withArm(f)]);
  return [
    `### ${tool.name}`,
    `**${tool.title}.** ${tool.description}`,
    table(
      ['Effect', 'In read-only mode', 'Annotations'],
      [
        [
          tool.effect + (tool.idempotent ? ' (idempotent)' : ''),
          tool.effect === 'read' ? 'available' : 'hidden',
          hints,
        ],
      ],
    ),
    '**Input**',
    inputRows.length
      ? table(['Field', 'Type', 'Required', 'Description', 'Constraints'], inputRows)
      : 'No arguments.',
    '**Output** (`structuredContent`)',
    table(['Field', 'Type', 'Values'], outputRows),
  ].join('\n\n');
}

function shapeSection(shape: (typeof SHAPES)[number]): string {
  const rows = fieldRows(shape.schema).map((f) => [code(f.name), typeOf(f.s, false), constraints(f.s)]);
  return [`### ${shape.name}`, `From \`${shape.source}\`.`, table(['Field', 'Type', 'Values'], rows)].join(
    '\n\n',
  );
}

function resourcesSection(): string {
  const rows = allResources.map((r) => [
    code(r.uriTemplate),
    r.title,
    r.description,
    r.list ? 'yes' : 'no',
    Object.keys(r.complete ?? {})
      .map(code)
      .join(', '),
  ]);
  return [
    '## Resources',
    'Every resource is `application/json` and can be subscribed to: a subscribed client gets `notifications/resources/updated` after a committed change that touches it.',
    table(['URI template', 'Title', 'Description', 'In resources/list', 'Completion'], rows),
  ].join('\n\n');
}

function promptsSection(): string {
  const rows = allPrompts.map((p) => [
    code(p.name),
    p.title,
    p.description,
    Object.entries(p.args)
      .map(
        ([name, a]) =>
          `${code(name)}${a.required ? '' : ' (optional)'}${a.complete ? ', completed' : ''}: ${a.description}`,
      )
      .join('<br>'),
  ]);
  return ['## Prompts', table(['Name', 'Title', 'Description', 'Arguments'], rows)].join('\n\n');
}

function render(): string {
  const parts: string[] = [
    '# Tools reference',
    '<!-- Generated by scripts/gen-tools-doc.ts from the tool and resource definitions. Do not edit: run `npm run docs`. -->',
    `${allTools.length} tools in ${TOOLSETS.length} toolsets. \`--read-only\` keeps only the tools whose effect is \`read\`; \`--toolsets\` picks toolsets. ` +
      "Every change is validated against the governance rules and appended to the workspace's hash-chained audit trail.",
    `A failed call returns \`isError: true\` with \`_meta[${JSON.stringify(ERROR_META_KEY)}] = { code, message, hint, details? }\` (see [Error codes](#error-codes)). ` +
      `A client may tie calls together by passing \`_meta[${JSON.stringify(CORRELATION_META_KEY)}]\` (1–100 chars); it is recorded on every audit record of the call.`,
    '## Contents',
    TOOLSETS.map(
      (set) =>
        `- **${set}**: ${allTools
          .filter((t) => t.toolset === set)
          .map((t) => `[${t.name}](#${t.name})`)
          .join(', ')}`,
    ).join('\n'),
  ];
  for (const set of TOOLSETS) {
    parts.push(`## Toolset \`${set}\``);
    for (const tool of allTools.filter((t) => t.toolset === set)) parts.push(toolSection(tool));
  }
  parts.push(
    '## Shared shapes',
    'Entities that several tools return, documented once.',
    ...SHAPES.map(shapeSection),
  );
  parts.push(
    '## Status transitions',
    'Used by `set_item_status`; any other change fails with `STATUS.INVALID_TRANSITION`. Blocking needs a reason; `done` needs every child done.',
    table(
      ['From', 'Allowed to'],
      Object.entries(TRANSITIONS).map(([from, to]) => [code(from), to.map(code).join(', ')]),
    ),
  );
  parts.push(
    '## Error codes',
    table(
      ['Code', 'Meaning'],
      ERROR_CODES.map((c) => [code(c), ERROR_MEANINGS[c]]),
    ),
  );
  parts.push(resourcesSection());
  parts.push(promptsSection());
  return `${parts.join('\n\n')}\n`;
}

async function main(): Promise<void> {
  const config = (await prettier.resolveConfig(OUT_FILE)) ?? {};
  const doc = await prettier.format(render(), { ...config, parser: 'markdown', filepath: OUT_FILE });
  if (process.argv.includes('--check')) {
    const current = await readFile(OUT_FILE, 'utf8').catch(() => '');
    if (current !== doc) {
      console.error('docs/tools.md is out of date: run npm run docs');
      process.exit(1);
    }
    return;
  }
  await writeFile(OUT_FILE, doc);
  console.log(`wrote docs/tools.md (${allTools.length} tools, ${allResources.length} resources)`);
}

await main();
