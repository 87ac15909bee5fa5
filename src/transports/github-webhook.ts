/**
 * POST /webhooks/github: GitHub's deliveries, authenticated by their `X-Hub-Signature-256` (checked
 * with @octokit/webhooks over the raw body, before it is parsed), not by the MCP bearer token.
 * Each verified delivery is handed to the webhook use-case, which drops replays by
 * `X-GitHub-Delivery`. Answers: 401 bad or missing signature (nothing read further, nothing
 * changed), 400 a malformed delivery, 200 with the outcome otherwise (GitHub only needs a 2xx).
 */
import { Webhooks } from '@octokit/webhooks';
import type { RequestHandler } from 'express';
import { DEFAULT_CONFIG } from '../governance/config/defaults.js';
import { applyWebhookDelivery } from '../governance/use-cases/github-webhook.js';
import type { Deps, Logger } from '../mcp/deps.js';

export const WEBHOOK_PATH = '/webhooks/github';

const header = (v: string | string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/** The route after the raw body parser: `req.body` is the delivery's bytes. */
export function githubWebhookHandler(deps: Deps, secret: string, log: Logger): RequestHandler {
  const verifier = new Webhooks({ secret });
  return async (req, res, next) => {
    try {
      const signature = header(req.headers['x-hub-signature-256']);
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      if (!signature || !(await verifier.verify(raw, signature).catch(() => false))) {
        log.warn({ delivery: header(req.headers['x-github-delivery']) }, 'webhook refused: bad signature');
        res
          .status(401)
          .json({ error: 'bad signature', hint: 'Sign with GITHUB_WEBHOOK_SECRET (X-Hub-Signature-256).' });
        return;
      }
      const event = header(req.headers['x-github-event']);
      const deliveryId = header(req.headers['x-github-delivery']);
      if (!event || !deliveryId || deliveryId.length > 100) {
        res.status(400).json({ error: 'X-GitHub-Event and X-GitHub-Delivery are required' });
        return;
      }
      if (event === 'ping') {
        res.json({ outcome: 'pong' });
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch {
        res
          .status(400)
          .json({ error: 'the body is not JSON (configure the webhook with content type application/json)' });
        return;
      }
      const result = await applyWebhookDelivery(deps, { deliveryId, event, payload }, async (ws) => {
        try {
          return (await deps.config.effective(ws)).config;
        } catch (err) {
          // A configuration that does not load must not stop GitHub's changes from arriving.
          log.warn(
            { err, workspace: ws },
            'webhook: effective configuration unavailable; default labels used',
          );
          return DEFAULT_CONFIG;
        }
      });
      log.info(
        {
          delivery: deliveryId,
          event,
          workspace: result.workspace,
          outcome: result.outcome,
          changes: result.changes.length,
        },
        'webhook delivery',
      );
      res.json({
        outcome: result.outcome,
        workspace: result.workspace,
        changes: result.changes.map((c) => ({
          entityType: c.entityType,
          entityId: c.entityId,
          field: c.field,
        })),
        detail: result.detail,
      });
    } catch (err) {
      next(err);
    }
  };
}
