/**
 * The GitHub policy source as main.ts wires it: Octokit and its plugins load on the first read, so
 * start-up, initialize and tools/list never pay for them.
 */
import type { PolicySource } from '../governance/ports/policy-source.js';
import { lazyOnce } from '../shared/lazy-once.js';
import type { GitHubClientOptions } from './octokit.js';

export function lazyGitHubPolicySource(options: GitHubClientOptions): PolicySource {
  const source = lazyOnce(async () => {
    const [o, p] = await Promise.all([import('./octokit.js'), import('./policy-source.js')]);
    return p.createGitHubPolicySource(o.createOctokit(options));
  });
  return { kind: 'github', read: async (workspace, ref) => (await source.get()).read(workspace, ref) };
}
