/**
 * The GitHub policy source as main.ts wires it: Octokit and its plugins load on the first read, so
 * start-up, initialize and tools/list never pay for them.
 */
import type { PolicySource } from '../governance/ports/policy-source.js';
import type { GitHubClientOptions } from './octokit.js';

export function lazyGitHubPolicySource(options: GitHubClientOptions): PolicySource {
  let pending: Promise<PolicySource> | undefined;
  const load = () =>
    (pending ??= Promise.all([import('./octokit.js'), import('./policy-source.js')]).then(
      ([o, p]) => p.createGitHubPolicySource(o.createOctokit(options)),
      (err: unknown) => {
        pending = undefined; // a later call may retry
        throw err;
      },
    ));
  return { kind: 'github', read: async (workspace, ref) => (await load()).read(workspace, ref) };
}
