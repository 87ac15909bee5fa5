/**
 * Policy files from checkouts on the server's disk. GF_POLICY_DIR is a directory of checkouts, laid
 * out either by owner (`<dir>/<owner>/<repo>`, as ghq and `~/src/github.com/...` trees do) or flat
 * (`<dir>/<repo>`); the first that has `.github/governance.yml` wins, and the origin says which.
 * Nothing outside the directory is ever opened, whatever names or links say.
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_POLICY_BYTES, POLICY_FILE_PATH } from '../../governance/config/policy-file.js';
import { DomainError } from '../../governance/errors.js';
import { assertWorkspace } from '../../governance/model/workspace.js';
import {
  decodePolicyBytes,
  policyTooLarge,
  policyUnreadable,
  type PolicySource,
  type PolicyText,
} from '../../governance/ports/policy-source.js';

export interface FilePolicySourceOptions {
  /** GF_POLICY_DIR, absolute. */
  dir: string;
  maxBytes?: number;
}

export function createFilePolicySource(opts: FilePolicySourceOptions): PolicySource {
  const maxBytes = opts.maxBytes ?? MAX_POLICY_BYTES;
  return {
    kind: 'file',
    async read(workspace: string): Promise<PolicyText | undefined> {
      const [owner, repo] = assertWorkspace(workspace).split('/') as [string, string];
      const root = await rootOf(opts.dir);
      for (const checkout of [path.join(root, owner, repo), path.join(root, repo)]) {
        const file = path.join(checkout, POLICY_FILE_PATH);
        // Names are validated, but containment is what keeps us in the directory: check it anyway.
        if (!isInside(root, file)) throw outsideWorkspace(workspace);
        const real = await realpath(file).catch((err: unknown) => {
          if (isMissing(err)) return undefined;
          throw fsError(err, file);
        });
        if (real === undefined) continue;
        if (!isInside(root, real)) {
          throw policyUnreadable('outside', file, 'The policy file links outside GF_POLICY_DIR');
        }
        return { text: await readBounded(real, maxBytes), origin: { kind: 'file', location: real } };
      }
      return undefined;
    },
  };
}

/** The directory with its own links resolved, so containment compares like with like. */
async function rootOf(dir: string): Promise<string> {
  try {
    const real = await realpath(dir);
    if ((await stat(real)).isDirectory()) return real;
  } catch (err) {
    if (!isMissing(err)) throw fsError(err, dir);
  }
  throw new DomainError(
    'POLICY.SOURCE_NOT_CONFIGURED',
    `GF_POLICY_DIR (${dir}) is not a directory`,
    'Point GF_POLICY_DIR at the directory holding the repository checkouts (<dir>/<owner>/<repo> or <dir>/<repo>).',
    { variable: 'GF_POLICY_DIR' },
  );
}

/** Reads at most `maxBytes`: the size is checked on the open handle, and again while reading (it may grow). */
async function readBounded(file: string, maxBytes: number): Promise<string> {
  // O_NOFOLLOW: the checked path cannot be swapped for a link between realpath and open.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: unknown) => {
    throw fsError(err, file);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw policyUnreadable('not_a_file', file, 'The policy path is not a regular file');
    if (info.size > maxBytes) throw policyTooLarge(info.size, maxBytes, file);
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) throw policyTooLarge(undefined, maxBytes, file);
    return decodePolicyBytes(buffer.subarray(0, filled), file);
  } finally {
    await handle.close();
  }
}

const isInside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
};

const codeOf = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;
const isMissing = (err: unknown): boolean => codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR';

function fsError(err: unknown, location: string): unknown {
  const code = codeOf(err);
  if (code === 'EACCES' || code === 'EPERM') {
    return policyUnreadable('permission', location, 'The server may not read the policy file');
  }
  if (code === 'ELOOP')
    return policyUnreadable(
      'not_a_file',
      location,
      'The policy path is a link loop, or became a link while being read',
    );
  if (code === 'EISDIR') return policyUnreadable('not_a_file', location, 'The policy path is a directory');
  return err;
}

function outsideWorkspace(workspace: string): DomainError {
  return new DomainError(
    'WORKSPACE.INVALID',
    `"${workspace.slice(0, 120)}" does not name a checkout inside GF_POLICY_DIR`,
    'Use the GitHub repository as owner/repo, e.g. "acme/web".',
  );
}
