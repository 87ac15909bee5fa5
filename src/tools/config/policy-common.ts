import * as z from 'zod';
import { DEFAULT_CONFIG } from '../../governance/config/defaults.js';
import { configDiff, type ConfigChange } from '../../governance/config/diff.js';
import { effectiveConfig } from '../../governance/config/merge.js';
import { parsePolicyYaml } from '../../governance/config/policy-file.js';
import type { ConfigOverride } from '../../governance/config/override.js';
import type { GovernanceConfig } from '../../governance/config/schema.js';
import { POLICY_SOURCE_KINDS } from '../../governance/ports/policy-source.js';
import type { Deps } from '../../mcp/deps.js';

export interface Baseline {
  /** What the file overrides: the defaults, or the defaults with the workspace's org override. */
  base: GovernanceConfig;
  /** What its changes are listed against. */
  current: GovernanceConfig;
  comparedWith?: { workspace: string; versions: { org: number | null; repo: number | null } };
}

/**
 * The file is the repository override, so a workspace's baseline is its org-merged base (DEFAULT <-
 * org override) and its changes are those against the workspace's current effective configuration.
 */
export async function baselineOf(deps: Deps, workspace: string | undefined): Promise<Baseline> {
  if (workspace === undefined) return { base: DEFAULT_CONFIG, current: DEFAULT_CONFIG };
  const [effective, org] = await Promise.all([
    deps.config.effective(workspace),
    deps.config.history({ workspace, scope: 'org', limit: 1 }),
  ]);
  const orgOverride = org.versions[0]?.override as ConfigOverride | undefined;
  return {
    base: effectiveConfig(DEFAULT_CONFIG, orgOverride),
    current: effective.config,
    comparedWith: {
      workspace,
      versions: { org: effective.versions.org ?? null, repo: effective.versions.repo ?? null },
    },
  };
}

/** The repository's checkout under GF_POLICY_DIR. */
export const fileSource = z.object({ kind: z.literal('file') });

/** The repository on GitHub, at its default branch or `ref`. */
export const githubSource = z.object({
  kind: z.literal('github'),
  ref: z
    .string()
    // git check-ref-format, roughly: enough to refuse what cannot be a ref before asking GitHub.
    .regex(/^(?!.*\.\.)(?!\/)[^\s~^:?*[\\]{1,255}$/)
    .optional()
    .describe('Branch, tag or SHA'),
});

export const policyOrigin = z.object({
  kind: z.enum(POLICY_SOURCE_KINDS),
  location: z.string().describe('URL or path of the file'),
  ref: z.string().optional(),
  sha: z.string().optional().describe('Git blob SHA'),
});

export interface PolicyPreview {
  override: ConfigOverride;
  /** The workspace's configuration with the file as its repo override. */
  effective: GovernanceConfig;
  /** What that changes from `baseline.current`. */
  changes: ConfigChange[];
}

/** The file read over a baseline; throws POLICY.YAML_SYNTAX / CONFIG.INVALID with line-precise issues. */
export function previewPolicy(baseline: Baseline, text: string): PolicyPreview {
  const override = parsePolicyYaml(text, { base: baseline.base });
  const effective = effectiveConfig(baseline.base, undefined, override);
  return { override, effective, changes: configDiff(baseline.current, effective) };
}
