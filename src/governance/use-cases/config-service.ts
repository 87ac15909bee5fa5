/**
 * The configuration as use-cases and tools see it: effective configuration per workspace behind a
 * small cache, updates that invalidate it, and the version history of each override.
 *
 * The cache belongs to the service object (one per composition root, not a module singleton). It is
 * invalidated by this service's own updates and by every `config.updated` event on the bus (other
 * services in the process; other processes once the bus spans them). Entries also expire after
 * `maxAgeMs`, which bounds how stale a process can be when another process shares the store over
 * an in-process bus.
 */
import { DEFAULT_CONFIG } from '../config/defaults.js';
import { OVERRIDE_SCOPES, type OverrideScope } from '../config/override.js';
import type { GovernanceConfig } from '../config/schema.js';
import { DomainError } from '../errors.js';
import type { DomainEvent } from '../model/events.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { CoreDeps } from '../ports/core-deps.js';
import type { ConfigDocReads } from '../ports/store-config-docs.js';
import type { ConfigDoc } from '../ports/store.js';
import { documentReader, type DocumentDeps } from './config-documents.js';
import { configKey, getEffectiveConfig, ownerOf, type EffectiveConfig } from './config-effective.js';
import { updateConfig, type UpdateConfigCommand, type UpdateConfigResult } from './config-update.js';

export interface ConfigHistoryQuery {
  workspace: string;
  scope: OverrideScope;
  /** Default 20, at most 100. */
  limit?: number;
  /** Versions below this one (the `nextBeforeVersion` of the previous page). */
  beforeVersion?: number;
}

export interface ConfigHistoryPage {
  scope: OverrideScope;
  key: string;
  /** Newest first. */
  versions: ConfigDoc[];
  /** Pass as `beforeVersion` for the next page; absent on the last one. */
  nextBeforeVersion?: number;
}

export interface ConfigService {
  effective(workspace: string): Promise<EffectiveConfig>;
  update(caller: Caller, cmd: UpdateConfigCommand): Promise<UpdateConfigResult>;
  history(query: ConfigHistoryQuery): Promise<ConfigHistoryPage>;
  /** Stops listening to the bus. */
  close(): void;
}

export interface ConfigServiceOptions {
  defaults?: GovernanceConfig;
  /** Default 5 s; 0 disables the cache. */
  maxAgeMs?: number;
  /** Default 1000 workspaces; the oldest entry goes first. */
  maxEntries?: number;
}

const HISTORY_DEFAULT = 20;
const HISTORY_MAX = 100;

export async function configHistory(
  deps: { store: { reader: ConfigDocReads } } & DocumentDeps,
  query: ConfigHistoryQuery,
): Promise<ConfigHistoryPage> {
  assertWorkspace(query.workspace);
  if (!OVERRIDE_SCOPES.includes(query.scope)) {
    throw new DomainError('INPUT.INVALID', `Unknown scope "${String(query.scope)}"`, 'Use "org" or "repo".');
  }
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? HISTORY_DEFAULT), 1), HISTORY_MAX);
  const key = configKey(query.scope, query.workspace);
  // One more than asked tells whether another page exists.
  const rows = await documentReader(deps, deps.store.reader).list(
    query.scope,
    key,
    limit + 1,
    query.beforeVersion,
  );
  const versions = rows.slice(0, limit);
  const last = versions.at(-1);
  return {
    scope: query.scope,
    key,
    versions,
    ...(rows.length > limit && last ? { nextBeforeVersion: last.version } : {}),
  };
}

export function createConfigService(deps: CoreDeps, options: ConfigServiceOptions = {}): ConfigService {
  const defaults = options.defaults ?? DEFAULT_CONFIG;
  const maxAgeMs = options.maxAgeMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const cache = new Map<string, { value: EffectiveConfig; at: number }>();
  // Bumped by every invalidation, so a read that started before one never caches its result.
  let generation = 0;

  const nowMs = () => Date.parse(deps.clock.now());

  const invalidate = (scope: OverrideScope, key: string) => {
    generation++;
    if (scope === 'repo') {
      cache.delete(key);
      return;
    }
    for (const ws of cache.keys()) if (ownerOf(ws) === key) cache.delete(ws);
  };

  const onEvent = (e: DomainEvent) => {
    if (e.type !== 'config.updated') return;
    const { scope, key } = e.payload as { scope?: unknown; key?: unknown };
    if ((scope === 'org' || scope === 'repo') && typeof key === 'string') invalidate(scope, key);
    else cache.clear();
  };
  const unsubscribe = deps.bus.subscribe(onEvent);

  return {
    async effective(workspace) {
      const hit = cache.get(workspace);
      if (hit && nowMs() - hit.at < maxAgeMs) return hit.value;
      const started = generation;
      const value = await getEffectiveConfig(deps, workspace, defaults);
      if (maxAgeMs > 0 && generation === started) {
        cache.delete(workspace);
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
        cache.set(workspace, { value, at: nowMs() });
      }
      return value;
    },

    async update(caller, cmd) {
      try {
        return await updateConfig(deps, caller, cmd, defaults);
      } finally {
        // Also on failure: the commit may have happened before a later step (event publish) threw.
        if (cmd.scope === 'org' || cmd.scope === 'repo')
          invalidate(cmd.scope, configKey(cmd.scope, cmd.workspace));
      }
    },

    history: (query) => configHistory(deps, query),

    close: unsubscribe,
  };
}
