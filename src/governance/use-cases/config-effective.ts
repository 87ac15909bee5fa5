/**
 * Reading a workspace's effective configuration from the store: defaults, then the organisation
 * override (keyed by the owner), then the repository override (keyed by the workspace).
 */
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { effectiveConfig } from '../config/merge.js';
import type { ConfigOverride, OverrideScope } from '../config/override.js';
import type { GovernanceConfig } from '../config/schema.js';
import { isDomainError } from '../errors.js';
import { assertWorkspace, type WorkspacePolicy } from '../model/workspace.js';
import type { DocumentReader } from '../ports/documents.js';
import type { ConfigDocReads } from '../ports/store-config-docs.js';
import type { WorkspaceReads } from '../ports/store-workspaces.js';
import type { ConfigDoc } from '../ports/store.js';
import { documentReader, type DocumentDeps } from './config-documents.js';

export interface EffectiveConfig {
  config: GovernanceConfig;
  /** The stored override versions merged in; absent for a scope with no override. */
  versions: { org?: number; repo?: number };
}

/** The owner of `owner/repo`. */
export const ownerOf = (workspace: string): string => workspace.slice(0, workspace.indexOf('/'));

/** The document key of a scope, as seen from a workspace: the owner (org) or the workspace (repo). */
export const configKey = (scope: OverrideScope, workspace: string): string =>
  scope === 'org' ? ownerOf(workspace) : workspace;

export interface ConfigDocs {
  org: ConfigDoc | undefined;
  repo: ConfigDoc | undefined;
}

export async function readConfigDocs(docs: DocumentReader, workspace: string): Promise<ConfigDocs> {
  const [org, repo] = await Promise.all([docs.get('org', ownerOf(workspace)), docs.get('repo', workspace)]);
  return { org, repo };
}

/** Merges stored docs over `defaults`; CONFIG.INVALID when they no longer combine into a valid one. */
export function mergeDocs(docs: ConfigDocs, defaults: GovernanceConfig = DEFAULT_CONFIG): EffectiveConfig {
  const config = effectiveConfig(
    defaults,
    docs.org?.override as ConfigOverride | undefined,
    docs.repo?.override as ConfigOverride | undefined,
  );
  return {
    config,
    versions: {
      ...(docs.org ? { org: docs.org.version } : {}),
      ...(docs.repo ? { repo: docs.repo.version } : {}),
    },
  };
}

/** Uncached; see createConfigService for the cached form. */
export async function getEffectiveConfig(
  deps: { store: { reader: ConfigDocReads } } & DocumentDeps,
  workspace: string,
  defaults: GovernanceConfig = DEFAULT_CONFIG,
): Promise<EffectiveConfig> {
  assertWorkspace(workspace);
  return mergeDocs(await readConfigDocs(documentReader(deps, deps.store.reader), workspace), defaults);
}

/**
 * The hierarchy policy a write must enforce, read through the write's own transaction. Reading the
 * stored overrides inside the transaction (rather than taking the cached config service's answer
 * before it) is what keeps this correct across processes: a repository update takes the same
 * workspace lock, so the check sees the latest committed override and the write cannot interleave
 * with a change of it; a cache could be up to its max age behind another process's update.
 *
 * `structure.allowUnparentedTasks` of the effective configuration decides once an org or repo
 * override is stored. Until then (the configuration is the defaults) the stored WorkspacePolicy
 * still applies, and it also applies when the stored overrides no longer combine into a valid
 * configuration (possible when an org update races a repository one), so a broken configuration
 * does not stop hierarchy writes.
 *
 * Pass the use-case's deps: with an external document store the overrides are read from it (its
 * repository versions change only under the same workspace lock, see config-update); without
 * them, only the SQL store's own documents are seen.
 */
export async function hierarchyPolicy(
  reader: WorkspaceReads & ConfigDocReads,
  workspace: string,
  deps: DocumentDeps,
  defaults: GovernanceConfig = DEFAULT_CONFIG,
): Promise<WorkspacePolicy> {
  const docs = await readConfigDocs(documentReader(deps, reader), workspace);
  if (docs.org || docs.repo) {
    try {
      return { allowUnparentedTasks: mergeDocs(docs, defaults).config.structure.allowUnparentedTasks };
    } catch (err) {
      if (!isDomainError(err) || err.code !== 'CONFIG.INVALID') throw err;
    }
  }
  return reader.getPolicy(workspace);
}
