/**
 * Repository contents as the emulator holds them, and the bodies GitHub's contents API answers with
 * (checked against GitHub's OpenAPI description by test/github/emulator-conformance.test.ts).
 */
import { createHash } from 'node:crypto';

/** A repository: branch or tag name -> path -> bytes. */
export interface EmulatedRepo {
  defaultBranch: string;
  refs: Map<string, Map<string, Buffer>>;
}

/** Files larger than this have no content in the JSON form (as on GitHub). */
export const JSON_CONTENT_LIMIT = 1024 * 1024;

/** Git's blob id: what the API returns as `sha`. */
export const blobSha = (bytes: Buffer): string =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

interface Links {
  base: string;
  web: string;
  owner: string;
  repo: string;
  ref: string;
}

function entry(l: Links, path: string, type: 'file' | 'dir', sha: string, size: number) {
  const url = `${l.base}/repos/${l.owner}/${l.repo}/contents/${path}?ref=${encodeURIComponent(l.ref)}`;
  const gitUrl = `${l.base}/repos/${l.owner}/${l.repo}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const htmlUrl = `${l.web}/${l.owner}/${l.repo}/${type === 'dir' ? 'tree' : 'blob'}/${l.ref}/${path}`;
  return {
    type,
    size,
    name: path.split('/').pop()!,
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url:
      type === 'file' ? `${l.web}/raw/${l.owner}/${l.repo}/${encodeURIComponent(l.ref)}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

/** GitHub wraps base64 content at 60 characters per line. */
const wrapped = (b64: string): string => (b64.match(/.{1,60}/g) ?? []).join('\n') + (b64 ? '\n' : '');

/** The JSON body for a file (content-file). */
export function fileJson(l: Links, path: string, bytes: Buffer) {
  const big = bytes.length > JSON_CONTENT_LIMIT;
  return {
    ...entry(l, path, 'file', blobSha(bytes), bytes.length),
    content: big ? '' : wrapped(bytes.toString('base64')),
    encoding: big ? 'none' : 'base64',
  };
}

/** The JSON body for a directory (content-directory): its direct children. */
export function directoryJson(l: Links, dir: string, files: Map<string, Buffer>) {
  const children = new Map<string, { type: 'file' | 'dir'; bytes?: Buffer }>();
  for (const [path, bytes] of files) {
    if (!path.startsWith(`${dir}/`)) continue;
    const [head, ...rest] = path.slice(dir.length + 1).split('/');
    const child = `${dir}/${head}`;
    children.set(child, rest.length === 0 ? { type: 'file', bytes } : { type: 'dir' });
  }
  return [...children].map(([path, c]) =>
    c.bytes
      ? entry(l, path, 'file', blobSha(c.bytes), c.bytes.length)
      : entry(l, path, 'dir', blobSha(Buffer.from(path)), 0),
  );
}

export const isDirectory = (files: Map<string, Buffer>, path: string): boolean =>
  [...files.keys()].some((p) => p.startsWith(`${path}/`));
