import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '../governance/errors.js';
import { one, type ResourceDefinition, type Vars } from './define-resource.js';
import type { Deps, Logger } from './deps.js';
import { toProtocolError } from './errors.js';

const MAX_SUBSCRIPTIONS = 1000;

/**
 * Registers resource templates (list, read, completion) and subscriptions: a subscribed client
 * gets notifications/resources/updated when a committed change touches the resource.
 * Returns a function that detaches from the event bus.
 */
export function registerResources(
  mcp: McpServer,
  resources: readonly ResourceDefinition[],
  deps: Deps,
  log: Logger,
): () => void {
  for (const r of resources) {
    const vars = (v: Record<string, string | string[]>): Vars =>
      Object.fromEntries(Object.entries(v).map(([k, x]) => [k, one(x)]));
    const complete = r.complete
      ? Object.fromEntries(
          Object.entries(r.complete).map(([name, fn]) => [
            name,
            async (value: string, ctx?: { arguments?: Record<string, string> }) => {
              try {
                return await fn(deps, value, ctx?.arguments ?? {});
              } catch (err) {
                log.warn({ err, resource: r.name, name }, 'completion failed');
                return [];
              }
            },
          ]),
        )
      : undefined;
    const template = new ResourceTemplate(r.uriTemplate, {
      list: r.list
        ? async () => {
            try {
              return {
                resources: (await r.list!(deps)).map((x) => ({ ...x, mimeType: 'application/json' })),
              };
            } catch (err) {
              throw toProtocolError(err, log, `resources/list ${r.name}`);
            }
          }
        : undefined,
      complete,
    });
    mcp.registerResource(
      r.name,
      template,
      { title: r.title, description: r.description, mimeType: 'application/json' },
      async (uri, v) => {
        try {
          const body = await r.read(deps, vars(v));
          return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body) }] };
        } catch (err) {
          throw toProtocolError(err, log, `resources/read ${uri.href}`);
        }
      },
    );
  }

  const subscribed = new Set<string>();
  const server = mcp.server;
  server.registerCapabilities({ resources: { subscribe: true } });
  server.setRequestHandler(SubscribeRequestSchema, (req) => {
    if (subscribed.size >= MAX_SUBSCRIPTIONS) {
      throw toProtocolError(
        new DomainError(
          'INPUT.INVALID',
          `At most ${MAX_SUBSCRIPTIONS} subscriptions per session`,
          'Unsubscribe from resources you no longer watch.',
        ),
        log,
        'resources/subscribe',
      );
    }
    subscribed.add(req.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (req) => {
    subscribed.delete(req.params.uri);
    return {};
  });
  return deps.bus.subscribe((event) => {
    if (subscribed.size === 0) return;
    for (const r of resources) {
      const hit = r.affected(event);
      const uris = typeof hit === 'function' ? [...subscribed].filter(hit) : hit;
      for (const uri of uris) {
        if (subscribed.has(uri)) {
          server
            .sendResourceUpdated({ uri })
            .catch((err: unknown) => log.debug({ err, uri }, 'notify failed'));
        }
      }
    }
  });
}
