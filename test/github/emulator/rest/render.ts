/** The JSON bodies GitHub's REST API answers with, built from the emulator's state. */
import type { Issue, IssueType, Label, Milestone, Owner, PullRequest, Repository } from '../state.js';

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

/** GitHub's full `repository` object (as a pull request's `head.repo` and `base.repo` hold it). */
export function repositoryJson(r: Repository, urls: Urls) {
  const url = repoUrl(r, urls);
  const fullName = `${r.owner.login}/${r.name}`;
  const html = `${urls.web}/${fullName}`;
  const host = new URL(urls.web).host;
  const open =
    r.issues.filter((i) => i.state === 'open').length +
    r.pullRequests.filter((p) => p.state === 'open').length;
  return {
    id: r.id,
    node_id: r.nodeId,
    name: r.name,
    full_name: fullName,
    owner: userJson(r.owner, urls),
    private: r.private,
    html_url: html,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://${host}/${fullName}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${host}:${fullName}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: r.defaultBranch,
    open_issues: open,
    open_issues_count: open,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: r.private ? 'private' : 'public',
    license: null,
    pushed_at: r.createdAt,
    created_at: r.createdAt,
    updated_at: r.createdAt,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

/** The URLs GitHub gives a pull request, by the API (`url`) and the web (`html`). */
const pullUrls = (p: PullRequest, urls: Urls) => {
  const repo = repoUrl(p.repo, urls);
  const html = `${urls.web}/${p.repo.owner.login}/${p.repo.name}/pull/${p.number}`;
  return { repo, url: `${repo}/pulls/${p.number}`, html, issue: `${repo}/issues/${p.number}` };
};

/** A pull request as `pulls/get` answers it. Same-repository branches; no commits, files or reviews behind it. */
export function pullRequestJson(p: PullRequest, urls: Urls) {
  const u = pullUrls(p, urls);
  const repo = repositoryJson(p.repo, urls);
  const branch = (b: PullRequest['head']) => ({
    label: `${p.repo.owner.login}:${b.ref}`,
    ref: b.ref,
    sha: b.sha,
    user: userJson(p.repo.owner, urls),
    repo,
  });
  const open = p.state === 'open';
  return {
    url: u.url,
    id: p.id,
    node_id: p.nodeId,
    html_url: u.html,
    diff_url: `${u.html}.diff`,
    patch_url: `${u.html}.patch`,
    issue_url: u.issue,
    commits_url: `${u.url}/commits`,
    review_comments_url: `${u.url}/comments`,
    review_comment_url: `${u.repo}/pulls/comments{/number}`,
    comments_url: `${u.issue}/comments`,
    statuses_url: `${u.repo}/statuses/${p.head.sha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: userJson(p.author, urls),
    body: p.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(p.head),
    base: branch(p.base),
    _links: {
      self: { href: u.url },
      html: { href: u.html },
      issue: { href: u.issue },
      comments: { href: `${u.issue}/comments` },
      review_comments: { href: `${u.url}/comments` },
      review_comment: { href: `${u.repo}/pulls/comments{/number}` },
      commits: { href: `${u.url}/commits` },
      statuses: { href: `${u.repo}/statuses/${p.head.sha}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: p.draft,
    merged: p.merged,
    // GitHub computes mergeability for open pull requests only.
    mergeable: open ? true : null,
    rebaseable: open ? true : null,
    mergeable_state: !open ? 'unknown' : p.draft ? 'draft' : 'clean',
    merged_by: p.mergedBy ? userJson(p.mergedBy, urls) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** A pull request's issue side, as `issues/get` answers a pull request's number: with `pull_request`. */
export function pullRequestIssueJson(p: PullRequest, urls: Urls) {
  const asIssue: Issue = {
    id: p.id,
    nodeId: p.nodeId,
    number: p.number,
    repo: p.repo,
    title: p.title,
    body: p.body,
    state: p.state,
    stateReason: null,
    labels: [],
    milestone: null,
    assignees: [],
    type: null,
    author: p.author,
    parent: null,
    subIssues: [],
    blockedBy: [],
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    closedAt: p.closedAt,
  };
  const u = pullUrls(p, urls);
  return {
    ...issueJson(asIssue, urls, 0),
    html_url: u.html,
    draft: p.draft,
    pull_request: {
      url: u.url,
      html_url: u.html,
      diff_url: `${u.html}.diff`,
      patch_url: `${u.html}.patch`,
      merged_at: p.mergedAt,
    },
  };
}
