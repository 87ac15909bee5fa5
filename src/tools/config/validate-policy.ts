import * as z from 'zod';
import { POLICY_FILE_PATH } from '../../governance/config/policy-file.js';
import { DomainError } from '../../governance/errors.js';
import { readPolicyFrom, type PolicyOrigin } from '../../governance/ports/policy-source.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { baselineOf, fileSource, githubSource, policyOrigin, previewPolicy } from './policy-common.js';

const issue = z.object({
  path: z.string().nullable(),
  line: z.number().nullable(),
  column: z.number().nullable(),
  message: z.string(),
});
type Issue = z.infer<typeof issue>;

/** The problems a policy error carries, as data (a file with mistakes is an answer, not a failure). */
function issuesOf(err: DomainError): Issue[] {
  const raw = (err.details?.issues ?? []) as {
    path?: unknown;
    line?: unknown;
    column?: unknown;
    message?: unknown;
  }[];
  const list = raw.map((i) => ({
    path: typeof i.path === 'string' ? i.path : Array.isArray(i.path) ? i.path.join('.') : null,
    line: typeof i.line === 'number' ? i.line : null,
    column: typeof i.column === 'number' ? i.column : null,
    message: typeof i.message === 'string' ? i.message : err.message,
  }));
  return list.length > 0 ? list : [{ path: null, line: null, column: null, message: err.message }];
}

const yaml = z.string().max(300_000).describe('File content');

const source = z
  .discriminatedUnion('kind', [z.object({ kind: z.literal('text'), yaml }), fileSource, githubSource])
  .describe(
    'text; file: the checkout under GF_POLICY_DIR; github: the repository (GITHUB_TOKEN). file and github need workspace',
  );

type Source = z.infer<typeof source>;

const origin = policyOrigin.optional().describe('Where the file was read; absent: given as text');

export const validatePolicyTool = defineTool({
  name: 'validate_policy',
  title: 'Validate policy file',
  description: `Check a ${POLICY_FILE_PATH} (given, from a local checkout or from GitHub): line-precise problems, or what it changes from the defaults (or from a workspace's current configuration).`,
  toolset: 'config',
  effect: 'read',
  openWorld: true,
  input: z
    .object({
      source,
      workspace: s.workspace
        .optional()
        .describe('Validate over its org override; diff against its configuration'),
    })
    .superRefine((v, ctx) => {
      if (v.source.kind !== 'text' && v.workspace === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['workspace'],
          message: `required with source ${v.source.kind}`,
        });
      }
    }),
  output: z.object({
    ok: z.boolean(),
    origin,
    issues: z.array(issue),
    changes: s.configChanges,
    comparedWith: z
      .object({
        workspace: z.string(),
        versions: z.object({ org: z.number().nullable(), repo: z.number().nullable() }),
      })
      .optional()
      .describe('The workspace configuration the changes are against; absent: the defaults'),
    effective: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The configuration the workspace would have with this file (when ok)'),
  }),
  async handler(input, { deps }) {
    const src: Source = input.source;
    // Outside the try: an unreadable source or a broken stored configuration is an error, not a file problem.
    const { text, origin }: { text: string; origin?: PolicyOrigin } =
      src.kind === 'text'
        ? { text: src.yaml }
        : await readPolicyFrom(
            deps.policySources,
            src.kind,
            input.workspace!,
            src.kind === 'github' ? src.ref : undefined,
          );
    const baseline = await baselineOf(deps, input.workspace);
    const { comparedWith } = baseline;
    const against = comparedWith ? `the current configuration of ${comparedWith.workspace}` : 'the defaults';
    const from = origin ? ` (${origin.location})` : '';
    try {
      const { effective, changes } = previewPolicy(baseline, text);
      return {
        data: {
          ok: true,
          ...(origin && { origin }),
          issues: [],
          changes,
          ...(comparedWith && { comparedWith }),
          effective,
        },
        summary: `Valid${from}: ${changes.length} setting(s) differ from ${against}`,
      };
    } catch (err) {
      if (
        !(err instanceof DomainError) ||
        (err.code !== 'CONFIG.INVALID' && err.code !== 'POLICY.YAML_SYNTAX')
      )
        throw err;
      const issues = issuesOf(err);
      const first = issues[0]!;
      return {
        data: {
          ok: false,
          ...(origin && { origin }),
          issues,
          changes: [],
          ...(comparedWith && { comparedWith }),
        },
        summary: `${issues.length} problem(s)${from}; first${first.line ? ` at line ${first.line}` : ''}: ${first.message}`,
      };
    }
  },
});
