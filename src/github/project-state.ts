/**
 * A GitHub Project (v2) over GraphQL: read with its fields and the items of one repository (one
 * request per 100 items), its item values written one mutation at a time, and the setup's writes
 * (a Project, its fields, a single select's options, the organisation's issue types).
 */
import type {
  CurrentProject,
  CurrentProjectItem,
  ProjectFieldState,
  ProjectValue,
} from '../governance/github-sync/project.js';
import type { FieldOption, ProjectMeta, ProjectSetup } from '../governance/ports/issue-tracker.js';
import { fromGitHubError, graphqlNotFound } from './errors.js';
import type { GitHubClient } from './octokit.js';

const FIELDS = `fields(first: 50) {
  nodes {
    ... on ProjectV2FieldCommon { id name dataType }
    ... on ProjectV2SingleSelectField { options { id name } }
  }
}`;
const META = `id number title url owner { ... on Organization { login } ... on User { login } } ${FIELDS}`;
const VALUE_FIELD = 'field { ... on ProjectV2FieldCommon { id } }';

const ITEMS = `query ProjectItems($id: ID!, $cursor: String) {
  node(id: $id) {
    ... on ProjectV2 {
      ${META}
      items(first: 100, after: $cursor) {
        nodes {
          id
          content { ... on Issue { number repository { nameWithOwner } } }
          fieldValues(first: 30) {
            nodes {
              ... on ProjectV2ItemFieldSingleSelectValue { optionId ${VALUE_FIELD} }
              ... on ProjectV2ItemFieldNumberValue { number ${VALUE_FIELD} }
              ... on ProjectV2ItemFieldTextValue { text ${VALUE_FIELD} }
            }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

const ADD_ITEM = `mutation AddProjectItem($project: ID!, $content: ID!) {
  addProjectV2ItemById(input: { projectId: $project, contentId: $content }) { item { id } }
}`;
const SET_VALUE = `mutation SetProjectValue($project: ID!, $item: ID!, $field: ID!, $value: ProjectV2FieldValue!) {
  updateProjectV2ItemFieldValue(input: { projectId: $project, itemId: $item, fieldId: $field, value: $value }) {
    projectV2Item { id }
  }
}`;
const CLEAR_VALUE = `mutation ClearProjectValue($project: ID!, $item: ID!, $field: ID!) {
  clearProjectV2ItemFieldValue(input: { projectId: $project, itemId: $item, fieldId: $field }) {
    projectV2Item { id }
  }
}`;

interface FieldNode {
  id?: string;
  name?: string;
  dataType?: string;
  options?: { id: string; name: string }[];
}
interface MetaNode {
  id: string;
  number: number;
  title: string;
  url: string;
  owner: { login: string };
  fields: { nodes: (FieldNode | null)[] };
}
interface ItemNode {
  id: string;
  content: { number?: number; repository?: { nameWithOwner: string } } | null;
  fieldValues: {
    nodes: ({ optionId?: string; number?: number; text?: string; field?: { id?: string } } | null)[];
  };
}

const toFields = (nodes: readonly (FieldNode | null)[]): ProjectFieldState[] =>
  nodes.flatMap((f) =>
    f?.id && f.name ? [{ id: f.id, name: f.name, dataType: f.dataType ?? '', options: f.options ?? [] }] : [],
  );

const toMeta = (n: MetaNode): ProjectMeta => ({
  id: n.id,
  number: n.number,
  title: n.title,
  url: n.url,
  owner: n.owner.login,
  fields: toFields(n.fields.nodes),
});

function toItem(n: ItemNode): CurrentProjectItem | undefined {
  const c = n.content;
  if (!c?.number || !c.repository) return undefined;
  const values = new Map<string, ProjectValue>();
  for (const v of n.fieldValues.nodes) {
    const field = v?.field?.id;
    if (!v || !field) continue;
    if (typeof v.optionId === 'string') values.set(field, { optionId: v.optionId });
    else if (typeof v.number === 'number') values.set(field, { number: v.number });
    else if (typeof v.text === 'string') values.set(field, { text: v.text });
  }
  return { id: n.id, repository: c.repository.nameWithOwner, number: c.number, values };
}

/** The Project with its fields and the items of `repository`; `reads` is told of every request. */
export async function readProject(
  octokit: GitHubClient,
  projectId: string,
  repository: string,
  reads: () => void,
): Promise<CurrentProject> {
  let meta: ProjectMeta | undefined;
  const items: CurrentProjectItem[] = [];
  for (let cursor: string | null = null; ;) {
    reads();
    type Page = {
      node:
        | (MetaNode & { items: { nodes: ItemNode[]; pageInfo: { hasNextPage: boolean; endCursor: string } } })
        | null;
    };
    let page: Page;
    try {
      page = await octokit.graphql<Page>(ITEMS, { id: projectId, cursor });
    } catch (err) {
      throw fromGitHubError(err, { what: `the Project ${projectId}`, permission: PROJECTS_PERMISSION });
    }
    if (!page.node?.items) {
      throw fromGitHubError(graphqlNotFound('ProjectV2'), { what: `the Project ${projectId}` });
    }
    meta ??= toMeta(page.node);
    for (const n of page.node.items.nodes) {
      const item = toItem(n);
      if (item) items.push(item);
    }
    if (!page.node.items.pageInfo.hasNextPage) break;
    cursor = page.node.items.pageInfo.endCursor;
  }
  const { owner: _, ...rest } = meta;
  return { ...rest, repository, items };
}

/** What a token needs for a Project, as the hints name it. */
export const PROJECTS_PERMISSION =
  '"Projects: read and write" on the Project\'s owner (or the project scope)';
const ISSUE_TYPES_PERMISSION =
  '"Issue types: read and write" on the organisation (an organisation administrator\'s token)';

/** The Project writes of a sync session, through the session's counted `gql`. */
export function projectWrites(
  gql: <T>(what: string, doc: string, vars: Record<string, unknown>, permission?: string) => Promise<T>,
) {
  return {
    async addProjectItem(projectId: string, issue: { number: number; nodeId: string }) {
      const r = await gql<{ addProjectV2ItemById: { item: { id: string } } }>(
        `Project item for #${issue.number}`,
        ADD_ITEM,
        { project: projectId, content: issue.nodeId },
        PROJECTS_PERMISSION,
      );
      return r.addProjectV2ItemById.item.id;
    },
    async setProjectField(projectId: string, item: string, field: string, value: ProjectValue | null) {
      const what = `Project field of item ${item}`;
      if (value === null)
        await gql(what, CLEAR_VALUE, { project: projectId, item, field }, PROJECTS_PERMISSION);
      else {
        const v =
          'optionId' in value
            ? { singleSelectOptionId: value.optionId }
            : 'number' in value
              ? { number: value.number }
              : { text: value.text };
        await gql(what, SET_VALUE, { project: projectId, item, field, value: v }, PROJECTS_PERMISSION);
      }
    },
  };
}

const OWNER = `query ProjectOwner($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id
    owner {
      __typename id login
      ... on Organization { issueTypes(first: 50) { nodes { name isEnabled } } }
    }
  }
}`;
const FIND = (kind: 'organization' | 'user') => `query FindProject($login: String!, $number: Int!) {
  ${kind}(login: $login) { projectV2(number: $number) { ${META} } }
}`;
const CREATE_PROJECT = `mutation CreateProject($owner: ID!, $repository: ID!, $title: String!) {
  createProjectV2(input: { ownerId: $owner, repositoryId: $repository, title: $title }) { projectV2 { ${META} } }
}`;
const CREATE_FIELD = `mutation CreateProjectField($project: ID!, $name: String!, $type: ProjectV2CustomFieldType!, $options: [ProjectV2SingleSelectFieldOptionInput!]) {
  createProjectV2Field(input: { projectId: $project, name: $name, dataType: $type, singleSelectOptions: $options }) {
    projectV2Field { ... on ProjectV2FieldCommon { id name dataType } ... on ProjectV2SingleSelectField { options { id name } } }
  }
}`;
const REPLACE_OPTIONS = `mutation ReplaceFieldOptions($field: ID!, $options: [ProjectV2SingleSelectFieldOptionInput!]) {
  updateProjectV2Field(input: { fieldId: $field, singleSelectOptions: $options }) {
    projectV2Field { ... on ProjectV2FieldCommon { id name dataType } ... on ProjectV2SingleSelectField { options { id name } } }
  }
}`;
const CREATE_TYPE = `mutation CreateIssueType($owner: ID!, $name: String!, $description: String, $color: IssueTypeColor) {
  createIssueType(input: { ownerId: $owner, name: $name, description: $description, color: $color, isEnabled: true }) {
    issueType { id name }
  }
}`;

export async function projectSetup(
  octokit: GitHubClient,
  owner: string,
  repo: string,
): Promise<ProjectSetup> {
  const requests = { reads: 0, writes: 0 };
  const call = async <T>(
    what: string,
    doc: string,
    vars: Record<string, unknown>,
    write: boolean,
    permission = PROJECTS_PERMISSION,
  ) => {
    if (write) requests.writes++;
    else requests.reads++;
    try {
      return await octokit.graphql<T>(doc, vars);
    } catch (err) {
      throw fromGitHubError(err, { what, permission, ...(write && { access: 'write' as const }) });
    }
  };
  type Owner = {
    repository: {
      id: string;
      owner: {
        __typename: 'Organization' | 'User';
        id: string;
        login: string;
        issueTypes?: { nodes: { name: string; isEnabled: boolean }[] } | null;
      };
    } | null;
  };
  const r = (
    await call<Owner>(
      `${owner}/${repo}`,
      OWNER,
      { owner, name: repo },
      false,
      '"Metadata: read" on the repository',
    )
  ).repository;
  if (!r) {
    throw fromGitHubError(graphqlNotFound('Repository'), { what: `${owner}/${repo}`, access: 'write' });
  }
  const ownerType = r.owner.__typename;
  const field = (n: { projectV2Field: FieldNode }) => toFields([n.projectV2Field])[0]!;
  return {
    owner: r.owner.login,
    ownerType,
    issueTypes: (r.owner.issueTypes?.nodes ?? []).filter((t) => t.isEnabled).map((t) => t.name),
    requests,
    async findProject(login, number) {
      const kind =
        login.toLowerCase() === r.owner.login.toLowerCase() && ownerType === 'User' ? 'user' : 'organization';
      type Found = Record<string, { projectV2: MetaNode | null } | null>;
      const f = await call<Found>(`Project ${login}#${number}`, FIND(kind), { login, number }, false);
      const node = f[kind]?.projectV2;
      return node ? toMeta(node) : undefined;
    },
    async createProject(title) {
      const made = await call<{ createProjectV2: { projectV2: MetaNode } }>(
        `Project "${title}" for ${r.owner.login}`,
        CREATE_PROJECT,
        { owner: r.owner.id, repository: r.id, title },
        true,
      );
      return toMeta(made.createProjectV2.projectV2);
    },
    async createField(projectId, name, dataType, options) {
      const made = await call<{ createProjectV2Field: { projectV2Field: FieldNode } }>(
        `Project field "${name}"`,
        CREATE_FIELD,
        { project: projectId, name, type: dataType, options: options?.length ? options : null },
        true,
      );
      return field(made.createProjectV2Field);
    },
    async replaceOptions(fieldId, options: readonly FieldOption[]) {
      const made = await call<{ updateProjectV2Field: { projectV2Field: FieldNode } }>(
        `Project field ${fieldId}`,
        REPLACE_OPTIONS,
        { field: fieldId, options },
        true,
      );
      return field(made.updateProjectV2Field);
    },
    async createIssueType(name, description, color) {
      await call(
        `issue type "${name}" of ${r.owner.login}`,
        CREATE_TYPE,
        { owner: r.owner.id, name, description, color },
        true,
        ISSUE_TYPES_PERMISSION,
      );
    },
  };
}
