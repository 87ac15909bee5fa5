/**
 * The emulator's world: one in-memory model that the REST and GraphQL surfaces both read and change,
 * so a write through one is visible through the other.
 */
import { createHash } from 'node:crypto';
import { invalid, notFound } from './errors.js';
import type {
  Entity,
  EntityValues,
  Issue,
  IssueType,
  Label,
  Milestone,
  Owner,
  Project,
  PullRequest,
  PullRequestChanges,
  PullRequestInput,
  Repository,
  Token,
  IssueEvent,
  RelationEvent,
  RepoEvent,
  IssueInput,
  IssueChanges,
} from './model.js';
import { FULL_ACCESS, type Permissions, type Seed, type SeedApp, type SeedIssueType } from './seed.js';

export type * from './model.js';

const PREFIX: Record<Entity['kind'], string> = {
  Issue: 'I',
  PullRequest: 'PR',
  Label: 'LA',
  Milestone: 'MI',
  Repository: 'R',
  IssueType: 'IT',
  User: 'U',
  Organization: 'O',
  ProjectV2: 'PVT',
  ProjectV2Item: 'PVTI',
  ProjectV2Field: 'PVTF',
};

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A commit id for a branch that has no commits behind it: stable for the same repository and name. */
const sha = (repo: Repository, what: string): string =>
  createHash('sha1').update(`${repo.owner.login}/${repo.name}:${what}`).digest('hex');

export class EmulatorState {
  readonly owners = new Map<string, Owner>();
  readonly repos = new Map<string, Repository>();
  readonly tokens = new Map<string, Token>();
  readonly apps = new Map<number, SeedApp>();
  readonly projects: Project[] = [];
  /** Told of every issue change (webhook deliveries). */
  readonly listeners: ((e: IssueEvent) => void)[] = [];
  /** Told of every sub-issue and blocked-by link made or removed through the API. */
  readonly relationListeners: ((e: RelationEvent) => void)[] = [];
  /** Told of labels and milestones edited through the API: GitHub's `label` / `milestone` events. */
  readonly repoListeners: ((e: RepoEvent) => void)[] = [];
  /** Who the request being handled acts as: the sender of the events it causes. */
  actor: Owner | undefined;
  /**
   * False while a request of a token whose `triage` permission is `read` is handled: its labels,
   * milestone, assignees and issue type on an issue are dropped without an error, as GitHub does
   * for a user who may open issues but not triage them.
   */
  mayTriage = true;
  private readonly nodes = new Map<string, Entity>();
  private nextId = 1000;

  constructor(seed: Seed) {
    for (const o of seed.owners ?? []) this.owner(o.login, o.type ?? 'User');
    for (const r of seed.repositories ?? []) {
      const repo = this.repository(r.owner, r.name, r.private ?? false);
      for (const p of r.pullRequests ?? []) this.createPullRequest(repo, p);
    }
    for (const [org, types] of Object.entries(seed.issueTypes ?? {})) {
      for (const t of types) this.createIssueType(org, t);
    }
    for (const a of seed.apps ?? []) this.apps.set(a.id, a);
    for (const t of seed.tokens ?? []) {
      this.addToken(t.token, t.login ?? 'octocat', t.permissions ?? FULL_ACCESS);
    }
  }

  /** Registers a new entity under a fresh REST id and global node id. */
  adopt<K extends keyof EntityValues>(
    kind: K,
    make: (ids: { id: number; nodeId: string }) => EntityValues[K],
  ): EntityValues[K] {
    return this.bind(kind, make(this.newIds(kind)));
  }

  private newIds(kind: Entity['kind']): { id: number; nodeId: string } {
    const id = ++this.nextId;
    return { id, nodeId: `${PREFIX[kind]}_kwDO${Buffer.from(`${kind}:${id}`).toString('base64url')}` };
  }

  /** Binds an entity to the node id reserved for it. */
  private bind<T extends { nodeId: string }>(kind: Entity['kind'], value: T): T {
    this.nodes.set(value.nodeId, { kind, value } as unknown as Entity);
    return value;
  }

  node(nodeId: string): Entity | undefined {
    return this.nodes.get(nodeId);
  }

  owner(login: string, type: Owner['type'] = 'User'): Owner {
    const found = this.owners.get(login.toLowerCase());
    if (found) return found;
    const o = this.bind(type, { ...this.newIds(type), login, type, issueTypes: [] });
    this.owners.set(login.toLowerCase(), o);
    return o;
  }

  repository(owner: string, name: string, isPrivate = false): Repository {
    const key = `${owner}/${name}`.toLowerCase();
    const found = this.repos.get(key);
    if (found) return found;
    const r = this.bind('Repository', {
      ...this.newIds('Repository'),
      owner: this.owner(owner, 'Organization'),
      name,
      private: isPrivate,
      defaultBranch: 'main',
      createdAt: now(),
      issues: [],
      pullRequests: [],
      labels: [],
      milestones: [],
    });
    this.repos.set(key, r);
    return r;
  }

  addToken(token: string, login: string, permissions: Permissions): Token {
    const t = { token, user: this.owner(login, 'User'), permissions };
    this.tokens.set(token, t);
    return t;
  }

  repo(owner: string, name: string): Repository {
    const r = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!r) throw notFound();
    return r;
  }

  org(login: string): Owner {
    const o = this.owners.get(login.toLowerCase());
    if (!o || o.type !== 'Organization') throw notFound();
    return o;
  }

  /** The issue of that number: GitHub's 404 for a number no issue has (a pull request's included). */
  issue(repo: Repository, number: number): Issue {
    const i = repo.issues.find((x) => x.number === number);
    if (!i) throw notFound();
    return i;
  }

  /** The number the next issue or pull request of the repository takes: they share one sequence. */
  nextNumber(repo: Repository): number {
    // Neither issues nor pull requests are ever deleted, so the two counts are the sequence so far.
    return repo.issues.length + repo.pullRequests.length + 1;
  }

  /** The pull request of that number: GitHub's 404 for a number no pull request has (an issue's included). */
  pullRequest(repo: Repository, number: number): PullRequest {
    const p = repo.pullRequests.find((x) => x.number === number);
    if (!p) throw notFound();
    return p;
  }

  /**
   * A pull request with the repository's next issue number, opened by `input.user` (else the acting
   * user, else `octocat`), already closed or merged when `input` says so. No commits or files behind it.
   */
  createPullRequest(repo: Repository, input: PullRequestInput): PullRequest {
    if (typeof input.title !== 'string' || !input.title.trim()) {
      throw invalid('PullRequest', 'title', 'title cannot be blank', 'missing_field');
    }
    const state = input.state ?? (input.merged ? 'closed' : 'open');
    if (state !== 'open' && state !== 'closed') {
      throw invalid('PullRequest', 'state', `${JSON.stringify(state)} is not open or closed`, 'invalid');
    }
    if (input.merged && state === 'open') {
      throw invalid('PullRequest', 'state', 'A merged pull request is closed', 'invalid');
    }
    if (input.merged && input.draft) {
      throw invalid('PullRequest', 'draft', 'A draft pull request cannot be merged', 'invalid');
    }
    const author = input.user
      ? this.owner(input.user, 'User')
      : (this.actor ?? this.owner('octocat', 'User'));
    const number = this.nextNumber(repo);
    const head = input.head ?? `pr-${number}`;
    const base = input.base ?? repo.defaultBranch;
    const at = now();
    const pull = this.bind('PullRequest', {
      ...this.newIds('PullRequest'),
      number,
      repo,
      title: input.title,
      body: input.body ?? null,
      state: 'open' as const,
      merged: false,
      draft: input.draft ?? false,
      head: { ref: head, sha: input.headSha ?? sha(repo, `${head}#${number}`) },
      base: { ref: base, sha: sha(repo, base) },
      author,
      mergedBy: null,
      mergeCommitSha: null,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      mergedAt: null,
    });
    repo.pullRequests.push(pull);
    if (input.merged) this.mergePullRequest(pull, author);
    else if (state === 'closed') this.closePullRequest(pull);
    return pull;
  }

  /**
   * Edits, closes, reopens or merges (`merged: true`) a pull request, refusing what GitHub refuses:
   * reopening or editing the state of a merged one, merging a draft or a closed one.
   */
  updatePullRequest(pull: PullRequest, changes: PullRequestChanges, by?: Owner): PullRequest {
    if (changes.title !== undefined && !changes.title.trim()) {
      throw invalid('PullRequest', 'title', 'title cannot be blank', 'missing_field');
    }
    if (changes.merged) {
      if (pull.merged) throw invalid('PullRequest', 'merged', 'Pull Request is already merged', 'invalid');
      if (pull.state === 'closed' || changes.state === 'open' || (changes.draft ?? pull.draft)) {
        throw invalid('PullRequest', 'merged', 'Pull Request is not mergeable', 'invalid');
      }
    }
    if (pull.merged && changes.state === 'open') {
      throw invalid('PullRequest', 'state', 'A merged pull request cannot be reopened', 'invalid');
    }
    const at = now();
    if (changes.title !== undefined) pull.title = changes.title;
    if (changes.body !== undefined) pull.body = changes.body;
    if (changes.draft !== undefined && !pull.merged) pull.draft = changes.draft;
    if (changes.merged) {
      pull.merged = true;
      pull.mergedAt = at;
      pull.mergedBy = by ?? this.actor ?? pull.author;
      pull.mergeCommitSha = sha(pull.repo, `merge#${pull.number}`);
    }
    const state = changes.merged ? 'closed' : (changes.state ?? pull.state);
    if (state !== pull.state) {
      pull.state = state;
      pull.closedAt = state === 'closed' ? at : null;
    }
    pull.updatedAt = at;
    return pull;
  }

  /** Closes a pull request without merging it. */
  closePullRequest(pull: PullRequest): PullRequest {
    return this.updatePullRequest(pull, { state: 'closed' });
  }

  /** Merges (and so closes) an open, non-draft pull request; `by` defaults to the acting user, else its author. */
  mergePullRequest(pull: PullRequest, by?: Owner): PullRequest {
    return this.updatePullRequest(pull, { merged: true }, by);
  }

  /** By REST `id`, as the sub-issue and dependency endpoints take it. */
  issueById(id: number): Issue | undefined {
    for (const r of this.repos.values()) {
      const found = r.issues.find((i) => i.id === id);
      if (found) return found;
    }
    return undefined;
  }

  createIssueType(org: string, t: SeedIssueType): IssueType {
    const o = this.org(org);
    if (o.issueTypes.some((x) => x.name.toLowerCase() === t.name.toLowerCase())) {
      throw invalid('IssueType', 'name', 'Name has already been taken', 'already_exists');
    }
    const at = now();
    const type = this.bind('IssueType', {
      ...this.newIds('IssueType'),
      name: t.name,
      description: t.description ?? null,
      color: t.color ?? null,
      isEnabled: true,
      createdAt: at,
      updatedAt: at,
    });
    o.issueTypes.push(type);
    return type;
  }

  label(repo: Repository, name: string): Label {
    const l = repo.labels.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!l) throw notFound();
    return l;
  }

  createLabel(repo: Repository, name: string, color = 'ededed', description: string | null = null): Label {
    if (repo.labels.some((x) => x.name.toLowerCase() === name.toLowerCase())) {
      throw invalid('Label', 'name', 'already_exists', 'already_exists');
    }
    const l = this.bind('Label', {
      ...this.newIds('Label'),
      name,
      color: color.replace(/^#/, ''),
      description,
      isDefault: false,
      repo,
    });
    repo.labels.push(l);
    return l;
  }

  milestone(repo: Repository, number: number): Milestone {
    const m = repo.milestones.find((x) => x.number === number);
    if (!m) throw notFound();
    return m;
  }

  createMilestone(
    repo: Repository,
    title: string,
    rest: { description?: string | null; state?: 'open' | 'closed'; dueOn?: string | null } = {},
  ): Milestone {
    if (repo.milestones.some((m) => m.title === title)) {
      throw invalid('Milestone', 'title', 'already_exists', 'already_exists');
    }
    const at = now();
    const m = this.bind('Milestone', {
      ...this.newIds('Milestone'),
      number: repo.milestones.length + 1,
      title,
      description: rest.description ?? null,
      state: rest.state ?? 'open',
      dueOn: rest.dueOn ?? null,
      createdAt: at,
      updatedAt: at,
      closedAt: rest.state === 'closed' ? at : null,
      repo,
    });
    repo.milestones.push(m);
    return m;
  }

  createIssue(repo: Repository, author: Owner, input: IssueInput): Issue {
    if (!input.title.trim()) throw invalid('Issue', 'title', 'title cannot be blank', 'missing_field');
    const at = now();
    const issue = this.bind('Issue', {
      ...this.newIds('Issue'),
      number: this.nextNumber(repo),
      repo,
      title: input.title,
      body: null,
      state: 'open' as const,
      stateReason: null,
      labels: [],
      milestone: null,
      assignees: [],
      type: null,
      author,
      parent: null,
      subIssues: [],
      blockedBy: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    });
    this.applyChanges(issue, input);
    repo.issues.push(issue);
    this.emit('opened', issue);
    return issue;
  }

  updateIssue(issue: Issue, changes: IssueChanges): Issue {
    const was = issue.state;
    this.applyChanges(issue, changes);
    issue.updatedAt = now();
    const action = issue.state === was ? 'edited' : issue.state === 'closed' ? 'closed' : 'reopened';
    this.emit(action, issue);
    return issue;
  }

  repoChanged(event: RepoEvent['event'], action: string, repo: Repository, payload: object): void {
    const e: RepoEvent = { event, action, repo, payload, sender: this.actor ?? repo.owner };
    for (const l of this.repoListeners) l(e);
  }

  relationChanged(action: RelationEvent['action'], issue: Issue, other: Issue): void {
    const event = action.startsWith('sub_issue') ? 'sub_issues' : 'issue_dependencies';
    const e: RelationEvent = { event, action, issue, other, sender: this.actor ?? issue.author };
    for (const l of this.relationListeners) l(e);
  }

  private emit(action: IssueEvent['action'], issue: Issue): void {
    const e = { action, issue, sender: this.actor ?? issue.author };
    for (const l of this.listeners) l(e);
  }

  /** Validates everything before changing anything, so a refused update leaves the issue as it was. */
  private applyChanges(issue: Issue, changes: IssueChanges): void {
    const repo = issue.repo;
    const c: IssueChanges = this.mayTriage
      ? changes
      : { ...changes, labels: undefined, milestone: undefined, assignees: undefined, type: undefined };
    // Unknown label names are created on the fly, as GitHub does.
    const labels = c.labels?.map((n) => repo.labels.find((l) => l.name.toLowerCase() === n.toLowerCase()));
    const milestone = c.milestone == null ? c.milestone : this.findMilestone(repo, c.milestone);
    const assignees = c.assignees?.map((login) => this.assignable(login));
    const type = c.type == null ? c.type : this.findType(repo, c.type);
    if (c.title !== undefined) issue.title = c.title;
    if (c.body !== undefined) issue.body = c.body;
    if (labels) issue.labels = labels.map((l, i) => l ?? this.createLabel(repo, c.labels![i]!));
    if (milestone !== undefined) issue.milestone = milestone;
    if (assignees) issue.assignees = [...new Set(assignees)];
    if (type !== undefined) issue.type = type;
    if (c.state && c.state !== issue.state) {
      issue.state = c.state;
      issue.closedAt = c.state === 'closed' ? now() : null;
      issue.stateReason = c.state === 'closed' ? (c.stateReason ?? 'completed') : 'reopened';
    } else if (c.stateReason !== undefined && issue.state === 'closed') {
      issue.stateReason = c.stateReason;
    }
  }

  private findMilestone(repo: Repository, number: number): Milestone {
    const m = repo.milestones.find((x) => x.number === number);
    if (!m) throw invalid('Issue', 'milestone', `${number} is not a valid milestone`, 'invalid');
    return m;
  }

  assignable(login: string): Owner {
    const o = this.owners.get(login.toLowerCase());
    if (!o || o.type !== 'User') {
      throw invalid(
        'Issue',
        'assignees',
        `Could not resolve to a User with the login of '${login}'.`,
        'invalid',
      );
    }
    return o;
  }

  private findType(repo: Repository, name: string): IssueType {
    const t = repo.owner.issueTypes.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!t || !t.isEnabled) {
      throw invalid(
        'Issue',
        'type',
        `Issue type '${name}' does not exist for ${repo.owner.login}`,
        'invalid',
      );
    }
    return t;
  }

  /** Issues that name `issue` in their blocked-by list. */
  blocking(issue: Issue): Issue[] {
    const out: Issue[] = [];
    for (const r of this.repos.values()) {
      for (const i of r.issues) if (i.blockedBy.includes(issue)) out.push(i);
    }
    return out;
  }

  allIssues(): Issue[] {
    return [...this.repos.values()].flatMap((r) => r.issues);
  }
}
