import * as z from 'zod';
import { DEFAULT_CONFIG } from '../../governance/config/defaults.js';
import { configDiff } from '../../governance/config/diff.js';
import { effectiveConfig } from '../../governance/config/merge.js';
import { POLICY_FILE_PATH, parsePolicyYaml } from '../../governance/config/policy-file.js';
import { DomainError } from '../../governance/errors.js';
import { defineTool } from '../../mcp/define-tool.js';

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

export const validatePolicyTool = defineTool({
  name: 'validate_policy',
  title: 'Validate policy file',
  description: `Check a ${POLICY_FILE_PATH} text: line-precise problems, or what it changes from the defaults.`,
  toolset: 'config',
  effect: 'read',
  input: z.object({ yaml: z.string().max(300_000).describe('File content') }),
  output: z.object({
    ok: z.boolean(),
    issues: z.array(issue),
    changes: z.array(z.object({ path: z.string(), old: z.unknown(), new: z.unknown() })),
  }),
  async handler(input) {
    try {
      const override = parsePolicyYaml(input.yaml, { base: DEFAULT_CONFIG });
      const changes = configDiff(DEFAULT_CONFIG, effectiveConfig(DEFAULT_CONFIG, undefined, override));
      return {
        data: { ok: true, issues: [], changes },
        summary: `Valid: ${changes.length} setting(s) differ from the defaults`,
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
        data: { ok: false, issues, changes: [] },
        summary: `${issues.length} problem(s); first${first.line ? ` at line ${first.line}` : ''}: ${first.message}`,
      };
    }
  },
});
