/**
 * The file policy source as main.ts wires it: the adapter (and the policy parser it shares limits
 * with, which pulls in the YAML library) loads on the first read, not at start-up.
 */
import type { PolicySource } from '../../governance/ports/policy-source.js';
import type { FilePolicySourceOptions } from './policy-file-source.js';

export function lazyFilePolicySource(options: FilePolicySourceOptions): PolicySource {
  let pending: Promise<PolicySource> | undefined;
  const load = () =>
    (pending ??= import('./policy-file-source.js').then(
      (m) => m.createFilePolicySource(options),
      (err: unknown) => {
        pending = undefined; // a later call may retry
        throw err;
      },
    ));
  return { kind: 'file', read: async (workspace) => (await load()).read(workspace) };
}
