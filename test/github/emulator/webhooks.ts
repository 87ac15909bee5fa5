/**
 * Webhook deliveries: every issue change is POSTed to the configured URL as GitHub's `issues` event
 * (opened, edited, closed, reopened), every sub-issue and blocked-by link made or removed as its
 * `sub_issues` / `issue_dependencies` event, signed with HMAC-SHA256 of the body in
 * `X-Hub-Signature-256`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { issueJson, userJson, type Urls } from './rest/render.js';
import type { EmulatorState, IssueEvent, Repository } from './state.js';

export interface WebhookConfig {
  url: string;
  secret?: string;
}

export interface Delivery {
  id: string;
  event: 'issues' | 'sub_issues' | 'issue_dependencies' | 'label' | 'milestone';
  action: string;
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
    const repoJson = (repo: Repository, u: Urls) => ({
      id: repo.id,
      node_id: repo.nodeId,
      name: repo.name,
      full_name: `${repo.owner.login}/${repo.name}`,
      private: repo.private,
      owner: userJson(repo.owner, u),
    });
    state.listeners.push((e: IssueEvent) => {
      if (!this.config) return;
      const { issue } = e;
      const u = urls();
      const body = JSON.stringify({
        action: e.action,
        issue: issueJson(issue, u, state.blocking(issue).length),
        repository: repoJson(issue.repo, u),
        sender: userJson(e.sender, u),
      });
      this.send(this.config, 'issues', e.action, body);
    });
    state.repoListeners.push((e) => {
      if (!this.config) return;
      const u = urls();
      const body = JSON.stringify({
        action: e.action,
        ...e.payload,
        repository: repoJson(e.repo, u),
        sender: userJson(e.sender, u),
      });
      this.send(this.config, e.event, e.action, body);
    });
    state.relationListeners.push((e) => {
      if (!this.config) return;
      const u = urls();
      const json = (i: typeof e.issue) => issueJson(i, u, state.blocking(i).length);
      const body = JSON.stringify({
        action: e.action,
        ...(e.event === 'sub_issues'
          ? {
              parent_issue_id: e.issue.id,
              parent_issue: json(e.issue),
              parent_issue_repo: repoJson(e.issue.repo, u),
              sub_issue_id: e.other.id,
              sub_issue: json(e.other),
            }
          : { blocked_issue_id: e.issue.id, blocked_issue: json(e.issue), blocking_issue: json(e.other) }),
        repository: repoJson(e.issue.repo, u),
        sender: userJson(e.sender, u),
      });
      this.send(this.config, e.event, e.action, body);
    });
  }

  private send(config: WebhookConfig, event: Delivery['event'], action: string, body: string): void {
    const delivery: Delivery = { id: randomUUID(), event, action, status: 0 };
    this.deliveries.push(delivery);
    const p = fetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/emulator',
        'x-github-event': event,
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
