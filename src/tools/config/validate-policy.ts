import * as z from 'zod';
import { POLICY_FILE_PATH } from '../../governance/config/policy-file.js';
import { validatePolicy } from '../../governance/use-cases/policy-preview.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { fileSource, githubSource, policyOrigin } from './policy-common.js';

const issue = z.object({
  path: z.string().nullable(),
  line: z.number().nullable(),
  column: z.number().nullable(),
  message: z.string(),
});
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
    const v = await validatePolicy(
      deps,
      input.workspace,
      src.kind === 'text' ? { kind: 'text', text: src.yaml } : src,
    );
    const { origin, comparedWith } = v;
    const from = origin ? ` (${origin.location})` : '';
    const head = { ok: v.ok, ...(origin && { origin }), issues: v.issues, changes: v.changes };
    if (v.ok) {
      const against = comparedWith
        ? `the current configuration of ${comparedWith.workspace}`
        : 'the defaults';
      return {
        data: { ...head, ...(comparedWith && { comparedWith }), effective: v.effective },
        summary: `Valid${from}: ${v.changes.length} setting(s) differ from ${against}`,
      };
    }
    const first = v.issues[0]!;
    return {
      data: { ...head, ...(comparedWith && { comparedWith }) },
      summary: `${v.issues.length} problem(s)${from}; first${first.line ? ` at line ${first.line}` : ''}: ${first.message}`,
    };
  },
});
