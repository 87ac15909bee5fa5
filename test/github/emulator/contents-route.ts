/** GET /repos/{owner}/{repo}/contents/{path}: files put by tests, as JSON or raw bytes. */
import type { IncomingMessage } from 'node:http';
import { directoryJson, fileJson, isDirectory, type EmulatedRepo } from './contents.js';
import { DOCS, errorAnswer, type Answer } from './respond.js';

export const CONTENTS_ROUTE = /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/;

export interface ContentsStore {
  repos: Map<string, EmulatedRepo>;
  denied: Set<string>;
  ignoreRawMediaType: boolean;
}

export function contentsAnswer(
  store: ContentsStore,
  req: IncomingMessage,
  path: string,
  query: Record<string, string>,
  token: string,
  base: string,
): Answer {
  const [, owner = '', name = '', file = ''] = CONTENTS_ROUTE.exec(path) ?? [];
  const doc = `${DOCS}/repos/contents#get-repository-content`;
  const workspace = `${owner}/${name}`.toLowerCase();
  const repo = store.repos.get(workspace);
  if (!repo) return errorAnswer(404, 'Not Found', { doc });
  if (store.denied.has(`${workspace} ${token}`)) {
    return errorAnswer(403, 'Resource not accessible by personal access token', { doc });
  }
  const ref = query.ref ?? repo.defaultBranch;
  const files = repo.refs.get(ref);
  if (!files)
    return errorAnswer(404, `No commit found for the ref ${ref}`, { doc: `${DOCS}/repos/contents` });
  const links = { base, web: base, owner, repo: name, ref };
  const bytes = files.get(file);
  if (bytes) {
    const raw = /application\/vnd\.github(?:\.v3)?\.raw/.test(req.headers.accept ?? '');
    if (raw && !store.ignoreRawMediaType) {
      return { status: 200, body: bytes, type: 'application/vnd.github.raw; charset=utf-8' };
    }
    return { status: 200, body: fileJson(links, file, bytes) };
  }
  if (isDirectory(files, file)) return { status: 200, body: directoryJson(links, file, files) };
  return errorAnswer(404, 'Not Found', { doc });
}
