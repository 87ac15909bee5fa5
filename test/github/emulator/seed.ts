/**
 * What the emulator starts with: owners, repositories (with their pull requests), organization issue
 * types and tokens with the permissions they grant. The JSON form (`--seed file.json`) is documented in the README.
 */
import { readFileSync } from 'node:fs';

export type Access = 'read' | 'write' | 'admin';

/** Fine-grained permission name (`issues`, `metadata`, `contents`, `issue_types`...) -> access; `*` grants every one. */
export type Permissions = Record<string, Access>;

export interface SeedOwner {
  login: string;
  type?: 'User' | 'Organization';
}

export interface SeedRepository {
  owner: string;
  name: string;
  private?: boolean;
  /** Opened in order, numbered 1, 2... (issues created later take the numbers after them). */
  pullRequests?: SeedPullRequest[];
}

export interface SeedPullRequest {
  title: string;
  body?: string | null;
  /** `closed` closes it unmerged; `merged: true` closes it merged. */
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  /** Head branch (default `pr-<number>`) and its commit sha (default: derived from the branch). */
  head?: string;
  headSha?: string;
  /** Base branch (default `main`). */
  base?: string;
  /** The creator's login (created as a user when not among the owners; default `octocat`). */
  user?: string;
}

export interface SeedIssueType {
  name: string;
  description?: string | null;
  color?: string | null;
}

export interface SeedToken {
  token: string;
  /** The user the token acts as (created when not among the owners). */
  login?: string;
  permissions?: Permissions;
}

export interface SeedApp {
  id: number;
  slug?: string;
  /** PEM public key matching the app's private key: installation-token requests are signed JWTs. */
  publicKey: string;
  installations: { id: number; account: string; permissions?: Permissions }[];
}

export interface Seed {
  owners?: SeedOwner[];
  repositories?: SeedRepository[];
  /** Organization login -> its issue types. */
  issueTypes?: Record<string, SeedIssueType[]>;
  tokens?: SeedToken[];
  /** GitHub Apps and their installations (POST /app/installations/{id}/access_tokens). */
  apps?: SeedApp[];
}

export const FULL_ACCESS: Permissions = { '*': 'admin' };

/** An organization with the hierarchy's issue types, one repository and one all-powerful token. */
export const DEFAULT_SEED: Seed = {
  owners: [
    { login: 'acme', type: 'Organization' },
    { login: 'octocat', type: 'User' },
  ],
  repositories: [{ owner: 'acme', name: 'web' }],
  issueTypes: {
    acme: [
      { name: 'Epic', description: 'A large body of work', color: 'purple' },
      { name: 'Feature', description: 'A user-facing capability', color: 'blue' },
      { name: 'Task', description: 'A specific piece of work', color: 'yellow' },
      { name: 'Bug', description: 'An unexpected problem or behavior', color: 'red' },
    ],
  },
  tokens: [{ token: 'test-token', login: 'octocat', permissions: FULL_ACCESS }],
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseSeed(json: unknown, source = 'seed'): Seed {
  if (!isObject(json)) throw new Error(`${source}: expected a JSON object`);
  for (const key of ['owners', 'repositories', 'tokens'] as const) {
    if (json[key] !== undefined && !Array.isArray(json[key])) {
      throw new Error(`${source}: "${key}" must be an array`);
    }
  }
  for (const r of Array.isArray(json.repositories) ? (json.repositories as unknown[]) : []) {
    if (isObject(r) && r.pullRequests !== undefined && !Array.isArray(r.pullRequests)) {
      throw new Error(`${source}: "pullRequests" of ${String(r.owner)}/${String(r.name)} must be an array`);
    }
  }
  if (json.issueTypes !== undefined && !isObject(json.issueTypes)) {
    throw new Error(`${source}: "issueTypes" must be an object of organization -> types`);
  }
  return json;
}

export const loadSeed = (file: string): Seed =>
  parseSeed(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
