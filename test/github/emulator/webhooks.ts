/**
 * Webhook deliveries: every issue change is POSTed to the configured URL as GitHub's `issues` event
 * (opened, edited, closed, reopened), signed with HMAC-SHA256 of the body in `X-Hub-Signature-256`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { issueJson, userJson, type Urls } from './rest/render.js';
import type { EmulatorState, IssueEvent } from './state.js';

export interface WebhookConfig {
  url: string;
  secret?: string;
}

export interface Delivery {
  id: string;
  event: 'issues';
  action: IssueEvent['action'];
  /** The receiver's status, 0 when it could not be reached. */
  status: number;
}

export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export class Webhooks {
  config: WebhookConfig | undefined;
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(state: EmulatorState, urls: () => Urls) {
    state.listeners.push((e) => {
      if (!this.config) return;
      const { issue } = e;
      const u = urls();
      const repo = issue.repo;
      const body = JSON.stringify({
        action: e.action,
        issue: issueJson(issue, u, state.blocking(issue).length),
        repository: {
          id: repo.id,
          node_id: repo.nodeId,
          name: repo.name,
          full_name: `${repo.owner.login}/${repo.name}`,
          private: repo.private,
          owner: userJson(repo.owner, u),
        },
        sender: userJson(e.sender, u),
      });
      this.send(this.config, e.action, body);
    });
  }

  private send(config: WebhookConfig, action: IssueEvent['action'], body: string): void {
    const delivery: Delivery = { id: randomUUID(), event: 'issues', action, status: 0 };
    this.deliveries.push(delivery);
    const p = fetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/emulator',
        'x-github-event': 'issues',
        'x-github-delivery': delivery.id,
        'x-github-hook-id': '1',
        ...(config.secret && { 'x-hub-signature-256': signature(config.secret, body) }),
      },
      body,
    })
      .then(async (res) => {
        delivery.status = res.status;
        await res.arrayBuffer();
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every delivery sent so far has been answered (or failed). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
