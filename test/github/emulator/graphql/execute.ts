/**
 * POST /graphql: documents are parsed and validated against GitHub's schema (an unknown field is
 * refused with `{ errors }` and status 200, as GitHub does), then run over the emulator's state.
 */
import {
  execute,
  getOperationAST,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from 'graphql';
import type { RateLimit } from '../limits.js';
import type { Token } from '../state.js';
import { mutations, type MutationCtx } from './mutations.js';
import { projectMutations } from './projects.js';
import { githubSchema } from './schema.js';
import { entityView, gqlError, ownerView, repositoryView } from './views.js';

export interface GraphQLRequest {
  /** The operation's name (`anonymous` when it has none). */
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  /** The top-level mutation fields, in order: each one creates content. */
  mutations: string[];
  document?: DocumentNode;
  operation?: OperationDefinitionNode;
  variables?: Record<string, unknown>;
  /** Set when the document is refused before it runs. */
  errors?: unknown[];
}

/** graphql-js words an unknown field differently from GitHub; tests and clients match GitHub's. */
function githubError(e: GraphQLError): Record<string, unknown> {
  const m = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(e.message);
  const locations = e.locations?.map(({ line, column }) => ({ line, column }));
  if (m) {
    return {
      extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
      locations,
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
    };
  }
  const type = e.extensions?.type;
  return { ...(type ? { type } : {}), ...(e.path && { path: e.path }), locations, message: e.message };
}

export function prepare(body: unknown): GraphQLRequest {
  const b = (body ?? {}) as { query?: unknown; operationName?: string; variables?: Record<string, unknown> };
  const refused = (errors: unknown[]): GraphQLRequest => ({
    name: 'anonymous',
    kind: 'query',
    mutations: [],
    errors,
  });
  if (typeof b.query !== 'string') {
    return refused([{ message: 'A query attribute must be specified and must be a string.' }]);
  }
  let document: DocumentNode;
  try {
    document = parse(b.query);
  } catch (err) {
    return refused([githubError(err as GraphQLError)]);
  }
  const operation = getOperationAST(document, b.operationName);
  const name = operation?.name?.value ?? b.operationName ?? 'anonymous';
  const kind: GraphQLRequest['kind'] = operation?.operation ?? 'query';
  const fields =
    kind === 'mutation'
      ? (operation?.selectionSet.selections ?? []).flatMap((s) =>
          s.kind === Kind.FIELD ? [s.name.value] : [],
        )
      : [];
  const errors = validate(githubSchema(), document);
  return {
    name,
    kind,
    mutations: fields,
    document,
    ...(operation && { operation }),
    ...(b.variables && { variables: b.variables }),
    ...(errors.length && { errors: errors.map(githubError) }),
  };
}

export interface RunCtx extends MutationCtx {
  token: Token;
  rateLimit: () => RateLimit;
}

function queryRoot(c: RunCtx) {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = c.state.repos.get(`${owner}/${name}`.toLowerCase());
      if (!r)
        throw gqlError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryView(r, c);
    },
    node: ({ id }: { id: string }) => {
      const e = c.state.node(id);
      if (!e) throw gqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
      return entityView(e, c);
    },
    nodes: ({ ids }: { ids: string[] }) =>
      ids.map((id) => (c.state.node(id) ? entityView(c.state.node(id)!, c) : null)),
    organization: ({ login }: { login: string }) => {
      const o = c.state.owners.get(login.toLowerCase());
      if (o?.type !== 'Organization') {
        throw gqlError('NOT_FOUND', `Could not resolve to an Organization with the login of '${login}'.`);
      }
      return ownerView(o, c);
    },
    user: ({ login }: { login: string }) => {
      const o = c.state.owners.get(login.toLowerCase());
      return o?.type === 'User' ? ownerView(o, c) : null;
    },
    viewer: () => ownerView(c.token.user, c),
    rateLimit: () => {
      const b = c.rateLimit();
      return {
        limit: b.limit,
        remaining: b.remaining,
        used: b.limit - b.remaining,
        cost: 1,
        nodeCount: 0,
        resetAt: new Date(b.reset * 1000).toISOString(),
      };
    },
  };
}

export async function run(req: GraphQLRequest, c: RunCtx): Promise<unknown> {
  if (req.errors) return { errors: req.errors };
  const result = await execute({
    schema: githubSchema(),
    document: req.document!,
    rootValue: req.kind === 'mutation' ? { ...mutations, ...projectMutations } : queryRoot(c),
    contextValue: c,
    variableValues: req.variables ?? null,
    operationName: req.operation?.name?.value ?? null,
  });
  return {
    ...(result.data !== undefined && { data: result.data }),
    ...(result.errors?.length && { errors: result.errors.map(githubError) }),
  };
}
