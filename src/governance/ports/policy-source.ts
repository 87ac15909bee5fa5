/**
 * Where a repository's policy file (`.github/governance.yml`) can be read from: a GitHub repository
 * through the REST API, or a checkout on the server's disk. Adapters live in src/github/ and
 * src/store/files/; the core only sees the text and where it came from.
 */
import { POLICY_FILE_PATH } from '../config/policy-file.js';
import { DomainError } from '../errors.js';

export const POLICY_SOURCE_KINDS = ['github', 'file'] as const;
export type PolicySourceKind = (typeof POLICY_SOURCE_KINDS)[number];

export interface PolicyOrigin {
  kind: PolicySourceKind;
  /** Human-readable place: an https URL for GitHub, an absolute path for a file. */
  location: string;
  /** The ref asked for (GitHub only; absent: the default branch). */
  ref?: string;
  /** Git blob SHA of the file, when the source reports it. */
  sha?: string;
}

export interface PolicyText {
  text: string;
  origin: PolicyOrigin;
}

export interface PolicySource {
  readonly kind: PolicySourceKind;
  /**
   * The workspace's policy file, or undefined when it has none. Failures are DomainErrors:
   * POLICY.TOO_LARGE (refused before reading it all), POLICY.UNREADABLE (not UTF-8, not a regular
   * file, outside the allowed directory), WORKSPACE.INVALID, and GITHUB.* for the GitHub source.
   */
  read(workspace: string, ref?: string): Promise<PolicyText | undefined>;
}

/** The sources the configuration enables; a missing one is reported with the variable to set. */
export interface PolicySources {
  github?: PolicySource;
  file?: PolicySource;
}

// The same errors from every adapter, so the codes and hints cannot drift between sources.

export function policyTooLarge(bytes: number | undefined, limit: number, location: string): DomainError {
  const size = bytes === undefined ? 'over the limit' : `${bytes} bytes; the limit is`;
  return new DomainError(
    'POLICY.TOO_LARGE',
    `The policy file at ${location} is ${size} ${limit} bytes`,
    'Keep only the settings that differ from the organisation defaults.',
    { ...(bytes !== undefined && { bytes }), limit, location },
  );
}

export type UnreadableReason = 'encoding' | 'not_a_file' | 'outside' | 'permission';

const UNREADABLE_HINTS: Record<UnreadableReason, string> = {
  encoding: 'Save the policy file as UTF-8 text.',
  not_a_file: 'Make .github/governance.yml a regular file (not a directory, a submodule or a dangling link).',
  outside: 'Replace the link with the file itself: links may not point outside GF_POLICY_DIR.',
  permission: 'Let the server user read the file (check its permissions).',
};

export function policyUnreadable(reason: UnreadableReason, location: string, message: string): DomainError {
  return new DomainError('POLICY.UNREADABLE', `${message}: ${location}`, UNREADABLE_HINTS[reason], {
    reason,
    location,
  });
}

/** Strict UTF-8: a file in another encoding is refused rather than read with replacement characters. */
export function decodePolicyBytes(bytes: Uint8Array, location: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw policyUnreadable('encoding', location, 'The policy file is not UTF-8 text');
  }
}

const NOT_CONFIGURED: Record<PolicySourceKind, { variable: string; what: string; hint: string }> = {
  github: {
    variable: 'GITHUB_TOKEN',
    what: 'from GitHub',
    hint: 'Set GITHUB_TOKEN (a token with "Contents: read" on the repository; GITHUB_API_URL for GitHub Enterprise Server) and restart the server, or pass the content as source {kind: "text", yaml}.',
  },
  file: {
    variable: 'GF_POLICY_DIR',
    what: 'from local checkouts',
    hint: 'Set GF_POLICY_DIR to the directory holding your checkouts (<dir>/<owner>/<repo> or <dir>/<repo>) and restart the server, or pass the content as source {kind: "text", yaml}.',
  },
};

/** The workspace's policy file from the configured source of that kind; an error when there is none. */
export async function readPolicyFrom(
  sources: PolicySources | undefined,
  kind: PolicySourceKind,
  workspace: string,
  ref?: string,
): Promise<PolicyText> {
  const source = sources?.[kind];
  if (!source) {
    const { variable, what, hint } = NOT_CONFIGURED[kind];
    throw new DomainError(
      'POLICY.SOURCE_NOT_CONFIGURED',
      `Reading policy files ${what} is not configured (${variable} is not set)`,
      hint,
      { source: kind, variable },
    );
  }
  const found = await source.read(workspace, ref);
  if (found) return found;
  const repo = workspace.split('/')[1] ?? workspace;
  throw new DomainError(
    'POLICY.NOT_FOUND',
    kind === 'github'
      ? `No ${POLICY_FILE_PATH} in ${workspace} on GitHub${ref === undefined ? '' : ` at ${ref}`}`
      : `No ${POLICY_FILE_PATH} in the checkout of ${workspace} under GF_POLICY_DIR`,
    kind === 'github'
      ? `Commit ${POLICY_FILE_PATH}${ref === undefined ? '' : `, or check the ref`}; a wrong repository name, or one the token cannot see, looks the same.`
      : `Create <GF_POLICY_DIR>/${workspace}/${POLICY_FILE_PATH} (or <GF_POLICY_DIR>/${repo}/${POLICY_FILE_PATH}).`,
    { source: kind, workspace, ...(ref !== undefined && { ref }) },
  );
}
