/**
 * One request's way through the emulator: classify (REST operation via openapi-backend, GraphQL
 * operation, contents), armed faults, authentication, primary and secondary limits, validation,
 * permission, the handler; then the answer, or its loss when a lost-response fault says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenAPIBackend } from 'openapi-backend';
import { authorize, bearer } from './auth.js';
import { contentsAnswer, CONTENTS_ROUTE, type ContentsStore } from './contents-route.js';
import { EmulatorError } from './errors.js';
import type { Fault, Faults } from './faults.js';
import { prepare, run, type GraphQLRequest } from './graphql/execute.js';
import { SECONDARY_DOCS, SECONDARY_MESSAGE, type Limits, type Resource } from './limits.js';
import { DOCS, errorAnswer, write, type Answer } from './respond.js';
import { CONTENTS_OPERATION, restOperations } from './rest/index.js';
import { APP_TOKEN_OPERATION, authenticateApp } from './rest/apps.js';
import { refusal } from './rest/validation.js';
import type { EmulatorState, Token } from './state.js';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  status: number;
  /** The REST operationId (`issues/create`), `graphql`, or `unknown`. */
  route: string;
  /** The GraphQL operation name, when `route` is `graphql`. */
  operation?: string;
  /** Content-creating writes in the request: 1 for a REST write, one per mutation in a GraphQL document. */
  creates: number;
  contentCreating: boolean;
  /** When the request arrived (ISO 8601) and how long its answer took. */
  time: string;
  ms: number;
}

export interface Core {
  state: EmulatorState;
  limits: Limits;
  faults: Faults;
  api: OpenAPIBackend;
  contents: ContentsStore;
  requests: RecordedRequest[];
  /** Status codes the legacy `failNext` queued. */
  failures: number[];
  chunked: () => boolean;
  base: () => string;
}

interface Classified {
  route: string;
  resource: Resource;
  creates: number;
  graphql?: GraphQLRequest;
  docs?: string;
}

function classify(
  core: Core,
  method: string,
  path: string,
  query: Record<string, string>,
  body: unknown,
): Classified {
  if (method === 'POST' && path === '/graphql') {
    const graphql = prepare(body);
    const creates = graphql.kind === 'mutation' && !graphql.errors ? graphql.mutations.length : 0;
    return { route: 'graphql', resource: 'graphql', creates, graphql };
  }
  if (method === 'GET' && CONTENTS_ROUTE.test(path))
    return { route: CONTENTS_OPERATION, resource: 'core', creates: 0 };
  const op = core.api.matchOperation({ method, path, query, headers: {} });
  const route = op?.operationId && restOperations[op.operationId] ? op.operationId : 'unknown';
  return {
    route,
    resource: route.startsWith('search/') ? 'search' : 'core',
    creates: route !== 'unknown' && method !== 'GET' ? 1 : 0,
    ...(op?.externalDocs?.url && { docs: op.externalDocs.url }),
  };
}

const secondary = (retryAfter: number): Answer =>
  errorAnswer(403, SECONDARY_MESSAGE, {
    doc: SECONDARY_DOCS,
    headers: { 'retry-after': String(retryAfter) },
  });

function fromError(err: unknown, docs?: string): Answer {
  if (!(err instanceof EmulatorError)) throw err;
  return errorAnswer(err.status, err.message, {
    ...(docs && { doc: docs }),
    ...(err.errors && { errors: err.errors }),
    ...(err.acceptedPermissions && { headers: { 'x-accepted-github-permissions': err.acceptedPermissions } }),
  });
}

async function answer(
  core: Core,
  c: Classified,
  token: Token,
  req: IncomingMessage,
  record: RecordedRequest,
  body: unknown,
  url: URL,
): Promise<Answer> {
  const urls = { api: core.base(), web: core.base() };
  const rateLimits = () =>
    Object.fromEntries(
      Object.entries(core.limits.buckets).map(([k, b]) => [k, { ...b, used: b.limit - b.remaining }]),
    );
  if (c.graphql) {
    const ctx = { state: core.state, urls, token, rateLimit: () => core.limits.buckets.graphql };
    return { status: 200, body: await run(c.graphql, ctx) };
  }
  if (c.route === CONTENTS_OPERATION) {
    return contentsAnswer(core.contents, req, record.path, record.query, token.token, core.base());
  }
  const op = restOperations[c.route];
  if (!op) return errorAnswer(404, 'Not Found');
  const request = { method: record.method, path: record.path, query: record.query, headers: {}, body };
  const found = core.api.matchOperation(request)!;
  const v = core.api.validateRequest(request, found);
  if (!v.valid) {
    const r = refusal(v.errors ?? [], request);
    return errorAnswer(422, r.message, {
      ...(c.docs && { doc: c.docs }),
      ...(r.errors && { errors: r.errors }),
    });
  }
  try {
    authorize(token, op.needs);
    const params = core.api.router.parseRequest(request, found).params as Record<string, string>;
    return op.handle({
      state: core.state,
      token,
      params,
      query: record.query,
      body,
      url,
      urls,
      rateLimits,
    });
  } catch (err) {
    return fromError(err, c.docs);
  }
}

export async function handle(
  core: Core,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  url: URL,
): Promise<void> {
  const started = Date.now();
  const method = req.method ?? 'GET';
  const record: RecordedRequest = {
    method,
    // %2F and / are the same separator to GitHub.
    path: decodeURIComponent(url.pathname),
    query: Object.fromEntries(url.searchParams),
    headers: {
      accept: req.headers.accept,
      authorization: req.headers.authorization,
      'user-agent': req.headers['user-agent'],
    },
    status: 0,
    route: 'unknown',
    creates: 0,
    contentCreating: false,
    time: new Date(started).toISOString(),
    ms: 0,
  };
  core.requests.push(record);
  let body: unknown;
  let badJson = false;
  try {
    body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch {
    badJson = true;
  }
  const c = classify(core, method, record.path, record.query, body);
  Object.assign(record, {
    route: c.route,
    creates: c.creates,
    contentCreating: c.creates > 0,
    ...(c.graphql && { operation: c.graphql.name }),
  });
  const send = (a: Answer) => {
    record.status = a.status;
    record.ms = Date.now() - started;
    write(res, a, core.limits.headers(c.resource), { chunked: core.chunked() });
  };

  const failure = core.failures.shift();
  if (failure !== undefined) return send(errorAnswer(failure, 'Server Error'));
  const fault: Fault | undefined = core.faults.take({
    method,
    path: record.path,
    operations: [c.route, ...(c.graphql ? [c.graphql.name, ...c.graphql.mutations] : [])],
  });
  if (fault?.kind === 'error') return send(errorAnswer(fault.status ?? 502, 'Server Error'));
  if (fault?.kind === 'hang') return;
  if (fault?.kind === 'secondary-limit') {
    return send(secondary(fault.retryAfter ?? Math.ceil(60 / core.limits.timeScale)));
  }

  let token: Token | undefined;
  try {
    token =
      c.route === APP_TOKEN_OPERATION
        ? authenticateApp(core.state, req.headers.authorization)
        : core.state.tokens.get(bearer(req.headers.authorization) ?? '');
  } catch (err) {
    return send(fromError(err));
  }
  if (!token || (token.expiresAt !== undefined && token.expiresAt <= Date.now())) {
    return send(errorAnswer(401, 'Bad credentials'));
  }
  if (c.route !== 'rate-limit/get' && !core.limits.spend(c.resource)) {
    return send(
      errorAnswer(
        403,
        `API rate limit exceeded for user ID ${token.user.id}. If you reach out to GitHub Support for help, please include the request ID.`,
        { doc: `${DOCS}/overview/rate-limits-for-the-rest-api` },
      ),
    );
  }
  const retryAfter = core.limits.admit(c.creates, token.user.login);
  if (retryAfter !== undefined) return send(secondary(retryAfter));
  if (badJson) return send(errorAnswer(400, 'Problems parsing JSON', { ...(c.docs && { doc: c.docs }) }));

  core.state.actor = token.user;
  // GitHub drops, without an error, what a user who may not triage sets on an issue.
  core.state.mayTriage = token.permissions.triage !== 'read';
  const a = await answer(core, c, token, req, record, body, url).finally(() => {
    core.state.actor = undefined;
    core.state.mayTriage = true;
  });
  if (fault?.kind === 'lost-response') {
    record.status = fault.status ?? 0;
    record.ms = Date.now() - started;
    if (fault.status) return send(errorAnswer(fault.status, 'Server Error'));
    res.socket?.destroy();
    return;
  }
  send(a);
}
