/**
 * The project's GitHub REST API emulator: a node:http server on 127.0.0.1 (port 0) implementing just
 * what the adapters in src/github/ use, with GitHub's status codes, bodies and rate-limit headers.
 * test/github/emulator-conformance.test.ts checks its answers against GitHub's OpenAPI description.
 *
 *   const gh = await startGitHubEmulator({ tokens: ['t0ken'] });
 *   gh.putFile('acme/web', '.github/governance.yml', 'generation: {}\n');
 *   createOctokit({ token: 't0ken', baseUrl: gh.url });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { directoryJson, fileJson, isDirectory, type EmulatedRepo } from './contents.js';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  status: number;
}

export interface RateLimit {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export interface GitHubEmulator {
  url: string;
  /** Every request answered, oldest first. */
  requests: RecordedRequest[];
  rateLimit: RateLimit;
  /** Answer with the JSON form even when the raw media type is asked for (as some proxies do). */
  ignoreRawMediaType: boolean;
  /** Send bodies chunked, without content-length (as GitHub does for some responses). */
  chunked: boolean;
  putFile(workspace: string, path: string, content: string | Buffer, ref?: string): void;
  /** The token may authenticate but not read the repository (403, as for a fine-grained token without access). */
  deny(workspace: string, token: string): void;
  /** The next `times` requests fail with this server error status. */
  failNext(status: number, times?: number): void;
  /** Back to a full rate limit, no pending failures, raw media type honoured (files and tokens stay). */
  reset(): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

const fullRateLimit = (): RateLimit => ({
  limit: 5000,
  remaining: 5000,
  reset: Math.floor(Date.now() / 1000) + 3600,
});

export async function startGitHubEmulator(opts: { tokens?: string[] } = {}): Promise<GitHubEmulator> {
  const tokens = new Set(opts.tokens ?? ['test-token']);
  const repos = new Map<string, EmulatedRepo>();
  const denied = new Set<string>();
  const failures: number[] = [];
  let base = '';

  const emu: GitHubEmulator = {
    url: '',
    requests: [],
    rateLimit: fullRateLimit(),
    ignoreRawMediaType: false,
    chunked: false,
    putFile(workspace, path, content, ref) {
      const key = workspace.toLowerCase();
      const repo = repos.get(key) ?? { defaultBranch: 'main', refs: new Map() };
      repos.set(key, repo);
      const name = ref ?? repo.defaultBranch;
      const files = repo.refs.get(name) ?? new Map<string, Buffer>();
      repo.refs.set(name, files);
      files.set(path, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    },
    deny: (workspace, token) => void denied.add(`${workspace.toLowerCase()} ${token}`),
    failNext: (status, times = 1) => void failures.push(...Array<number>(times).fill(status)),
    reset() {
      failures.length = 0;
      emu.ignoreRawMediaType = false;
      emu.chunked = false;
      emu.rateLimit = fullRateLimit();
    },
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };

  function handle(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    const send = (status: number, body: unknown, type = 'application/json; charset=utf-8') => {
      record.status = status;
      const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      res.writeHead(status, {
        'content-type': type,
        ...(!emu.chunked && { 'content-length': payload.length }),
        ...rateHeaders(),
      });
      // A first write before end() makes Node send the body chunked.
      if (emu.chunked) res.write(payload);
      res.end(emu.chunked ? undefined : payload);
    };
    const error = (status: number, message: string, doc = DOCS) =>
      send(status, { message, documentation_url: doc, status: String(status) });

    const failure = failures.shift();
    if (failure !== undefined) return error(failure, 'Server Error');
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.has(token)) return error(401, 'Bad credentials');
    if (emu.rateLimit.remaining <= 0) {
      return error(
        403,
        'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
        `${DOCS}/overview/rate-limits-for-the-rest-api`,
      );
    }
    emu.rateLimit.remaining--;

    const m = /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/.exec(record.path);
    if (req.method !== 'GET' || !m) return error(404, 'Not Found');
    const [, owner = '', name = '', path = ''] = m;
    const workspace = `${owner}/${name}`.toLowerCase();
    const repo = repos.get(workspace);
    if (!repo) return error(404, 'Not Found', `${DOCS}/repos/contents#get-repository-content`);
    if (denied.has(`${workspace} ${token}`)) {
      return error(
        403,
        'Resource not accessible by personal access token',
        `${DOCS}/repos/contents#get-repository-content`,
      );
    }
    const ref = record.query.ref ?? repo.defaultBranch;
    const files = repo.refs.get(ref);
    if (!files) return error(404, `No commit found for the ref ${ref}`, `${DOCS}/repos/contents`);
    const links = { base, web: base, owner, repo: name, ref };
    const bytes = files.get(path);
    if (bytes) {
      const raw = /application\/vnd\.github(?:\.v3)?\.raw/.test(req.headers.accept ?? '');
      if (raw && !emu.ignoreRawMediaType)
        return send(200, bytes, 'application/vnd.github.raw; charset=utf-8');
      return send(200, fileJson(links, path, bytes));
    }
    if (isDirectory(files, path)) return send(200, directoryJson(links, path, files));
    return error(404, 'Not Found', `${DOCS}/repos/contents#get-repository-content`);
  }

  const rateHeaders = () => ({
    'x-ratelimit-limit': String(emu.rateLimit.limit),
    'x-ratelimit-remaining': String(Math.max(0, emu.rateLimit.remaining)),
    'x-ratelimit-reset': String(emu.rateLimit.reset),
    'x-ratelimit-used': String(emu.rateLimit.limit - Math.max(0, emu.rateLimit.remaining)),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      // %2F and / are the same separator to GitHub.
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers: {
        accept: req.headers.accept,
        authorization: req.headers.authorization,
        'user-agent': req.headers['user-agent'],
      },
      status: 0,
    };
    emu.requests.push(record);
    req.resume();
    try {
      handle(req, res, record);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emu.url = base;
  return emu;
}
