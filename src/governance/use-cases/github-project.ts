/**
 * Setting up a workspace's GitHub Project (v2): one Project per workspace, made under the
 * repository's owner (or an existing one adopted by number), with the fields the sync writes:
 * Priority (single select), Estimate (number of days) and Agent (text) next to GitHub's own Status.
 * A Project made here gets one Status option per status; an adopted one keeps its options and the
 * setup says which statuses it cannot show. Optionally, the organisation's issue types for epics,
 * features and tasks are created where missing (that takes an organisation administrator's token).
 * Dry run by default; the link is stored and audited, and the next plan_github_sync places every
 * managed issue on the Project.
 */
import { DomainError } from '../errors.js';
import {
  findField,
  PRIORITY_OPTIONS,
  PROJECT_FIELDS,
  STATUS_OPTIONS,
  type ProjectFieldKey,
} from '../github-sync/project.js';
import { ITEM_TYPES, STATUSES } from '../model/work-item.js';
import { assertWorkspace } from '../model/workspace.js';
import type { Caller } from '../ports/caller.js';
import type { FieldOption, ProjectMeta, ProjectSetup } from '../ports/issue-tracker.js';
import { requireGitHub, type SyncDeps } from './github-sync.js';
import { runWrite } from './write-scope.js';

export interface SetupProjectCommand {
  workspace: string;
  /** Adopt this existing Project (of `owner`, default the repository's owner) instead of making one. */
  projectNumber?: number;
  owner?: string;
  /** The title of a Project made here (default: `<repo> governance`). */
  title?: string;
  /** Create the organisation's Epic, Feature and Task issue types where missing. */
  issueTypes?: boolean;
  dryRun: boolean;
}

export interface SetupProjectResult {
  dryRun: boolean;
  project: { number: number; title: string; url: string; owner: string } | null;
  /** What the setup did (or, in a dry run, would do), in order. */
  actions: string[];
  /** What the Project cannot show and the setup leaves to a person (an adopted Project's options). */
  gaps: string[];
  requests: { reads: number; writes: number };
}

const STATUS_COLORS: Record<(typeof STATUSES)[number], string> = {
  planning: 'GRAY',
  in_progress: 'YELLOW',
  review: 'PURPLE',
  done: 'GREEN',
  blocked: 'RED',
  cancelled: 'GRAY',
};
const PRIORITY_COLORS = ['RED', 'ORANGE', 'YELLOW', 'GREEN'] as const;
const TYPE_COLORS: Record<string, string> = { epic: 'PURPLE', feature: 'BLUE', task: 'YELLOW' };

const options = (names: readonly string[], colors: readonly string[]): FieldOption[] =>
  names.map((name, i) => ({ name, color: colors[i] ?? 'GRAY', description: '' }));

const CUSTOM: {
  key: Exclude<ProjectFieldKey, 'status'>;
  type: 'SINGLE_SELECT' | 'NUMBER' | 'TEXT';
  accepts: string[];
}[] = [
  { key: 'priority', type: 'SINGLE_SELECT', accepts: ['SINGLE_SELECT', 'TEXT'] },
  { key: 'estimate', type: 'NUMBER', accepts: ['NUMBER'] },
  { key: 'agent', type: 'TEXT', accepts: ['TEXT', 'SINGLE_SELECT'] },
];

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export async function setupGitHubProject(
  deps: SyncDeps,
  caller: Caller,
  cmd: SetupProjectCommand,
): Promise<SetupProjectResult> {
  assertWorkspace(cmd.workspace);
  const tracker = requireGitHub(deps);
  const [repoOwner, repo] = cmd.workspace.split('/') as [string, string];
  const setup = await tracker.setup(repoOwner, repo, caller);
  const linked = await deps.store.reader.projectLink(cmd.workspace);
  const actions: string[] = [];
  const gaps: string[] = [];
  const write = !cmd.dryRun;

  if (cmd.issueTypes) await ensureIssueTypes(setup, write, actions, gaps);

  let project: ProjectMeta | undefined;
  let made = false;
  if (cmd.projectNumber !== undefined) {
    const owner = cmd.owner ?? setup.owner;
    project = await setup.findProject(owner, cmd.projectNumber);
    if (!project) {
      throw new DomainError(
        'GITHUB.NOT_FOUND',
        `${owner} has no Project number ${cmd.projectNumber} that this token can see`,
        'Check the number in the Project URL (…/projects/N) and that the token has "Projects: read and write" on its owner.',
        { owner, number: cmd.projectNumber },
      );
    }
    actions.push(`adopt Project ${owner}#${project.number} "${project.title}"`);
  } else if (linked) {
    project = await setup.findProject(linked.owner, linked.number);
    if (project) actions.push(`keep Project ${linked.owner}#${linked.number} "${project.title}"`);
  }
  if (!project) {
    const title = cmd.title ?? `${repo} governance`;
    actions.push(`create Project "${title}" under ${setup.owner}, linked to ${cmd.workspace}`);
    if (write) {
      project = await setup.createProject(title);
      made = true;
    }
  }

  // Status: every Project has it. One made here gets the workflow's statuses as its options.
  const status = project && findField(project, 'status');
  if (made && status) {
    actions.push(`set the Status options to ${STATUSES.map((s) => STATUS_OPTIONS[s]).join(', ')}`);
    await setup.replaceOptions(
      status.id,
      STATUSES.map((s) => ({ name: STATUS_OPTIONS[s], color: STATUS_COLORS[s], description: '' })),
    );
  } else if (!project) {
    actions.push(`set the Status options to ${STATUSES.map((s) => STATUS_OPTIONS[s]).join(', ')}`);
  }
  for (const f of CUSTOM) {
    const name = PROJECT_FIELDS[f.key];
    const have = project && findField(project, f.key);
    if (have) {
      if (!f.accepts.includes(have.dataType)) {
        gaps.push(
          `the ${have.name} field is ${have.dataType}; the sync writes ${f.accepts.join(' or ')} (rename it or change its type)`,
        );
      }
      continue;
    }
    actions.push(`add the ${name} field (${f.type.toLowerCase().replace('_', ' ')})`);
    if (write && project) {
      await setup.createField(
        project.id,
        name,
        f.type,
        f.key === 'priority' ? options(Object.values(PRIORITY_OPTIONS), PRIORITY_COLORS) : undefined,
      );
    }
  }
  if (project && !made && status) {
    const names = new Set(status.options.map((o) => o.name.toLowerCase()));
    const missing = STATUSES.filter((s) => !names.has(STATUS_OPTIONS[s].toLowerCase()));
    if (missing.length > 0) {
      gaps.push(
        `the Status field has no option named ${missing.map((s) => `"${STATUS_OPTIONS[s]}"`).join(', ')}: ` +
          'those statuses use a similar option (Todo, In Progress, Done...) where there is one; the plan lists what it cannot show',
      );
    }
  }

  if (write && project) {
    const p = project;
    const link = {
      workspace: cmd.workspace,
      owner: p.owner,
      number: p.number,
      nodeId: p.id,
      title: p.title,
      url: p.url,
    };
    await runWrite(deps, caller, cmd.workspace, async (s) => {
      await s.tx.putProjectLink({ ...link, linkedAt: s.now });
      await s.audit({
        entityType: 'github',
        entityId: cmd.workspace,
        action: 'github.project_linked',
        diff: {
          project: { old: linked ? linked.url : null, new: p.url },
          actions: { old: null, new: actions.slice(0, 50) },
        },
      });
    });
  }
  return {
    dryRun: cmd.dryRun,
    project: project
      ? { number: project.number, title: project.title, url: project.url, owner: project.owner }
      : null,
    actions,
    gaps,
    requests: { ...setup.requests },
  };
}

async function ensureIssueTypes(setup: ProjectSetup, write: boolean, actions: string[], gaps: string[]) {
  if (setup.ownerType !== 'Organization') {
    gaps.push(
      `issue types belong to organisations; ${setup.owner} is a user, so type labels (type:epic...) stand in`,
    );
    return;
  }
  const have = new Set(setup.issueTypes.map((t) => t.toLowerCase()));
  for (const t of ITEM_TYPES) {
    if (have.has(t)) continue;
    actions.push(`create the ${capital(t)} issue type in ${setup.owner}`);
    if (write)
      await setup.createIssueType(capital(t), `A ${t} of the governed hierarchy`, TYPE_COLORS[t] ?? 'GRAY');
  }
}
