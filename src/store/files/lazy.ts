/**
 * The file policy source as main.ts wires it: the adapter (and the policy parser it shares limits
 * with, which pulls in the YAML library) loads on the first read, not at start-up.
 */
import type { PolicySource } from '../../governance/ports/policy-source.js';
import { lazyOnce } from '../../shared/lazy-once.js';
import type { FilePolicySourceOptions } from './policy-file-source.js';

export function lazyFilePolicySource(options: FilePolicySourceOptions): PolicySource {
  const source = lazyOnce(async () =>
    (await import('./policy-file-source.js')).createFilePolicySource(options),
  );
  return { kind: 'file', read: async (workspace) => (await source.get()).read(workspace) };
}
