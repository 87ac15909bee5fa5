/**
 * A repository's `.github/governance.yml` through the contents API. The raw media type is asked
 * for (it also serves files over 1 MB, where the JSON form has no content) and its body is read as a
 * stream, so an oversized file is refused without downloading it. A server that answers with the
 * JSON form anyway (base64 content) is understood too.
 */
import { MAX_POLICY_BYTES, POLICY_FILE_PATH } from '../governance/config/policy-file.js';
import { assertWorkspace } from '../governance/model/workspace.js';
import {
  decodePolicyBytes,
  policyTooLarge,
  policyUnreadable,
  type PolicyOrigin,
  type PolicySource,
  type PolicyText,
} from '../governance/ports/policy-source.js';
import { fromGitHubError, isGitHubHttpError } from './errors.js';
import { DEFAULT_GITHUB_API_URL, type GitHubClient } from './octokit.js';

export const RAW_MEDIA_TYPE = 'application/vnd.github.raw+json';

export interface GitHubPolicySourceOptions {
  maxBytes?: number;
  /** Per request, retries included. */
  timeoutMs?: number;
}

interface ContentsJson {
  type?: unknown;
  encoding?: unknown;
  content?: unknown;
  size?: unknown;
  sha?: unknown;
}

export function createGitHubPolicySource(
  octokit: GitHubClient,
  opts: GitHubPolicySourceOptions = {},
): PolicySource {
  const maxBytes = opts.maxBytes ?? MAX_POLICY_BYTES;
  const web = webBaseOf(String(octokit.request.endpoint.DEFAULTS.baseUrl || DEFAULT_GITHUB_API_URL));
  return {
    kind: 'github',
    async read(workspace: string, ref?: string): Promise<PolicyText | undefined> {
      const [owner, repo] = assertWorkspace(workspace).split('/') as [string, string];
      const location = `${web}/${owner}/${repo}/blob/${ref ?? 'HEAD'}/${POLICY_FILE_PATH}`;
      const origin: PolicyOrigin = { kind: 'github', location, ...(ref !== undefined && { ref }) };
      let res;
      try {
        res = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner,
          repo,
          path: POLICY_FILE_PATH,
          ...(ref !== undefined && { ref }),
          headers: { accept: RAW_MEDIA_TYPE },
          request: { parseSuccessResponseBody: false, signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) },
        });
      } catch (err) {
        if (isGitHubHttpError(err) && err.status === 404) return undefined;
        throw fromGitHubError(err, workspace);
      }
      // With parseSuccessResponseBody off, data is the body stream whatever the declared type says.
      const body = res.data as unknown as ReadableStream<Uint8Array> | null;
      const contentType = String(res.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(contentType)) {
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) {
          await body?.cancel();
          throw policyTooLarge(declared, maxBytes, location);
        }
        // The declared length may be absent (chunked): the cap holds while reading.
        const bytes = await readCapped(body, maxBytes);
        if (!bytes) throw policyTooLarge(undefined, maxBytes, location);
        return { text: decodePolicyBytes(bytes, location), origin };
      }
      // base64 inflates by 4/3; the JSON around it is small.
      const raw = await readCapped(body, maxBytes * 2 + 64 * 1024);
      if (!raw) throw policyTooLarge(undefined, maxBytes, location);
      const json = new TextDecoder().decode(raw);
      const file = fileOf(JSON.parse(json) as unknown, location);
      if (typeof file.size === 'number' && file.size > maxBytes)
        throw policyTooLarge(file.size, maxBytes, location);
      if (file.encoding !== 'base64' || typeof file.content !== 'string') {
        throw policyTooLarge(typeof file.size === 'number' ? file.size : undefined, maxBytes, location);
      }
      const bytes = Buffer.from(file.content, 'base64');
      if (bytes.length > maxBytes) throw policyTooLarge(bytes.length, maxBytes, location);
      return {
        text: decodePolicyBytes(bytes, location),
        origin: { ...origin, ...(typeof file.sha === 'string' && { sha: file.sha }) },
      };
    },
  };
}

/** The contents API answers for a directory, a submodule or a link too: only a file is a policy. */
function fileOf(data: unknown, location: string): ContentsJson {
  const entry = (Array.isArray(data) ? { type: 'dir' } : (data ?? {})) as ContentsJson;
  if (entry.type !== 'file') {
    throw policyUnreadable('not_a_file', location, `The policy path is a ${String(entry.type)}, not a file`);
  }
  return entry;
}

/** The body, or undefined as soon as it passes `limit` bytes (the rest is never downloaded). */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Where people read the file: github.com for the public API, the server itself for GHES (`/api/v3`). */
function webBaseOf(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}
