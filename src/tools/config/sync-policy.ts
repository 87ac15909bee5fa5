import * as z from 'zod';
import { configDiff } from '../../governance/config/diff.js';
import { POLICY_FILE_PATH } from '../../governance/config/policy-file.js';
import { LIMITS } from '../../governance/model/work-item.js';
import { readPolicyFrom, type PolicyOrigin } from '../../governance/ports/policy-source.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';
import { baselineOf, fileSource, githubSource, policyOrigin, previewPolicy } from './policy-common.js';

const where = (o: PolicyOrigin): string => `${o.location}${o.sha ? ` (blob ${o.sha.slice(0, 12)})` : ''}`;

/**
 * Policy as code: the repository's own file becomes its repo override through the same path as
 * update_config (validated over the org override, version-checked, orphan-checked, audited), with
 * the file's location in the audit reason. A file with problems is refused with its lines.
 */
export const syncPolicyTool = defineTool({
  name: 'sync_policy',
  title: 'Sync policy file',
  description:
    `Store a repository's ${POLICY_FILE_PATH} (local checkout or GitHub) as its repo override: ` +
    'validated, versioned, audited. Dry run by default.',
  toolset: 'config',
  effect: 'write',
  idempotent: true,
  openWorld: true,
  input: z.object({
    workspace: s.workspace,
    source: z
      .discriminatedUnion('kind', [fileSource, githubSource])
      .describe('file: the checkout under GF_POLICY_DIR; github: the repository (GITHUB_TOKEN)'),
    expectedVersion: z.number().int().min(0).optional().describe('Repo override version read'),
    reason: s.reason.optional(),
    dryRun: s.dryRun,
  }),
  output: z.object({
    dryRun: z.boolean(),
    origin: policyOrigin,
    changed: z.boolean(),
    version: z.number().describe('Repo override version stored (dry run: the current one)'),
    previousVersion: z.number(),
    changes: s.configChanges,
    changesTotal: z.number(),
  }),
  async handler(input, { deps, caller }) {
    const { workspace, source } = input;
    const { text, origin } = await readPolicyFrom(
      deps.policySources,
      source.kind,
      workspace,
      source.kind === 'github' ? source.ref : undefined,
    );
    const baseline = await baselineOf(deps, workspace);
    // Line-precise problems (POLICY.YAML_SYNTAX, CONFIG.INVALID) refuse the sync as they are.
    const preview = previewPolicy(baseline, text);
    const repoVersion = baseline.comparedWith?.versions.repo ?? 0;
    if (input.dryRun) {
      const { changes } = preview;
      return {
        data: {
          dryRun: true,
          origin,
          changed: changes.length > 0,
          version: repoVersion,
          previousVersion: repoVersion,
          changes: changes.slice(0, s.MAX_LISTED_CHANGES),
          changesTotal: changes.length,
        },
        summary: `Dry run: ${where(origin)} would change ${changes.length} setting(s) of ${workspace}`,
      };
    }
    const r = await deps.config.update(caller, {
      workspace,
      scope: 'repo',
      override: preview.override,
      ...(input.expectedVersion !== undefined && { expectedVersion: input.expectedVersion }),
      reason: input.reason ?? `synced from ${where(origin)}`.slice(0, LIMITS.reason),
    });
    // As in the dry run: what changed in the workspace's effective configuration.
    const changes = configDiff(baseline.current, r.effective.config);
    return {
      data: {
        dryRun: false,
        origin,
        changed: r.changed,
        version: r.version,
        previousVersion: r.previousVersion,
        changes: changes.slice(0, s.MAX_LISTED_CHANGES),
        changesTotal: changes.length,
      },
      summary: r.changed
        ? `repo override of ${workspace} is now v${r.version} from ${where(origin)} (${changes.length} setting(s) changed)`
        : `repo override of ${workspace} already matches ${where(origin)} (v${r.version})`,
    };
  },
});
