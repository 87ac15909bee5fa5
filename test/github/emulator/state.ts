/**
 * The emulator's world: one in-memory model that the REST and GraphQL surfaces both read and change,
 * so a write through one is visible through the other.
 */
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
    for (const r of seed.repositories ?? []) this.repository(r.owner, r.name, r.private ?? false);
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
      issues: [],
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

  issue(repo: Repository, number: number): Issue {
    const i = repo.issues[number - 1];
    if (!i) throw notFound();
    return i;
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
      number: repo.issues.length + 1,
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
