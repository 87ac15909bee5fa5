/** The JSON bodies GitHub's REST API answers with, built from the emulator's state. */
import type { Issue, IssueType, Label, Milestone, Owner, Repository } from '../state.js';

export interface Urls {
  /** The API root, e.g. http://127.0.0.1:1234 */
  api: string;
  /** The web root GitHub's `html_url` points to. */
  web: string;
}

export const userJson = (u: Owner, urls: Urls) => ({
  login: u.login,
  id: u.id,
  node_id: u.nodeId,
  avatar_url: `${urls.web}/avatars/${u.login}`,
  gravatar_id: '',
  url: `${urls.api}/users/${u.login}`,
  html_url: `${urls.web}/${u.login}`,
  followers_url: `${urls.api}/users/${u.login}/followers`,
  following_url: `${urls.api}/users/${u.login}/following{/other_user}`,
  gists_url: `${urls.api}/users/${u.login}/gists{/gist_id}`,
  starred_url: `${urls.api}/users/${u.login}/starred{/owner}{/repo}`,
  subscriptions_url: `${urls.api}/users/${u.login}/subscriptions`,
  organizations_url: `${urls.api}/users/${u.login}/orgs`,
  repos_url: `${urls.api}/users/${u.login}/repos`,
  events_url: `${urls.api}/users/${u.login}/events{/privacy}`,
  received_events_url: `${urls.api}/users/${u.login}/received_events`,
  type: u.type,
  site_admin: false,
});

const repoUrl = (r: Repository, urls: Urls) => `${urls.api}/repos/${r.owner.login}/${r.name}`;

export const labelJson = (l: Label, urls: Urls) => ({
  id: l.id,
  node_id: l.nodeId,
  url: `${repoUrl(l.repo, urls)}/labels/${encodeURIComponent(l.name)}`,
  name: l.name,
  description: l.description,
  color: l.color,
  default: l.isDefault,
});

export const milestoneJson = (m: Milestone, urls: Urls) => {
  const issues = m.repo.issues.filter((i) => i.milestone === m);
  const url = `${repoUrl(m.repo, urls)}/milestones/${m.number}`;
  return {
    url,
    html_url: `${urls.web}/${m.repo.owner.login}/${m.repo.name}/milestone/${m.number}`,
    labels_url: `${url}/labels`,
    id: m.id,
    node_id: m.nodeId,
    number: m.number,
    state: m.state,
    title: m.title,
    description: m.description,
    creator: null,
    open_issues: issues.filter((i) => i.state === 'open').length,
    closed_issues: issues.filter((i) => i.state === 'closed').length,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    closed_at: m.closedAt,
    due_on: m.dueOn,
  };
};

export const issueTypeJson = (t: IssueType) => ({
  id: t.id,
  node_id: t.nodeId,
  name: t.name,
  description: t.description,
  color: t.color,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
  is_enabled: t.isEnabled,
});

const summary = (i: Issue) => {
  const done = i.subIssues.filter((s) => s.state === 'closed').length;
  const total = i.subIssues.length;
  return { total, completed: done, percent_completed: total ? Math.floor((done * 100) / total) : 0 };
};

export function issueJson(i: Issue, urls: Urls, blocking: number) {
  const url = `${repoUrl(i.repo, urls)}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: i.nodeId,
    url,
    repository_url: repoUrl(i.repo, urls),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    timeline_url: `${url}/timeline`,
    html_url: `${urls.web}/${i.repo.owner.login}/${i.repo.name}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: userJson(i.author, urls),
    labels: i.labels.map((l) => labelJson(l, urls)),
    assignee: i.assignees[0] ? userJson(i.assignees[0], urls) : null,
    assignees: i.assignees.map((a) => userJson(a, urls)),
    milestone: i.milestone ? milestoneJson(i.milestone, urls) : null,
    type: i.type ? issueTypeJson(i.type) : null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_by: null,
    author_association: 'OWNER',
    parent_issue_url: i.parent ? `${repoUrl(i.parent.repo, urls)}/issues/${i.parent.number}` : undefined,
    sub_issues_summary: summary(i),
    issue_dependencies_summary: {
      blocked_by: i.blockedBy.filter((b) => b.state === 'open').length,
      total_blocked_by: i.blockedBy.length,
      blocking,
      total_blocking: blocking,
    },
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0,
    },
  };
}
