/** Projects v2 in GraphQL: project, field, item and field-value objects, and the mutations the sync uses. */
import { needs } from '../auth.js';
import type { Project, ProjectField, ProjectItem } from '../model.js';
import { addField, addItem, clearValue, createProject, setValue, updateField } from '../projects.js';
import { guarded, type Mutation } from './mutations.js';
import { connection, entityExtensions, issueView, ownerView, resolveId, type Ctx } from './views.js';

export const fieldView = (f: ProjectField) => ({
  __typename: f.dataType === 'SINGLE_SELECT' ? 'ProjectV2SingleSelectField' : 'ProjectV2Field',
  id: f.nodeId,
  databaseId: f.id,
  name: f.name,
  dataType: f.dataType,
  options: f.options.map((o) => ({ ...o, nameHTML: o.name, descriptionHTML: o.description })),
});

interface ValueView {
  __typename: string;
  field: ReturnType<typeof fieldView>;
  [k: string]: unknown;
}

function valueViews(item: ProjectItem): ValueView[] {
  return item.project.fields.flatMap((f): ValueView[] => {
    const field = fieldView(f);
    if (f.dataType === 'TITLE')
      return [{ __typename: 'ProjectV2ItemFieldTextValue', text: item.content.title, field }];
    const v = item.values.get(f.nodeId);
    if (!v) return [];
    if ('optionId' in v) {
      const o = f.options.find((x) => x.id === v.optionId)!;
      return [
        {
          __typename: 'ProjectV2ItemFieldSingleSelectValue',
          optionId: o.id,
          name: o.name,
          color: o.color,
          field,
        },
      ];
    }
    if ('text' in v) return [{ __typename: 'ProjectV2ItemFieldTextValue', text: v.text, field }];
    if ('number' in v) return [{ __typename: 'ProjectV2ItemFieldNumberValue', number: v.number, field }];
    return [{ __typename: 'ProjectV2ItemFieldDateValue', date: v.date, field }];
  });
}

export function itemView(i: ProjectItem, c: Ctx): Record<string, unknown> {
  return {
    __typename: 'ProjectV2Item',
    id: i.nodeId,
    databaseId: i.id,
    type: 'ISSUE',
    isArchived: false,
    content: issueView(i.content, c),
    project: () => projectView(i.project, c),
    fieldValues: (a: { first?: number }) => connection(valueViews(i), a, (v) => v, 'fieldValues'),
    fieldValueByName: ({ name }: { name: string }) =>
      valueViews(i).find((v) => v.field.name.toLowerCase() === name.toLowerCase()) ?? null,
  };
}

export function projectView(p: Project, c: Ctx): Record<string, unknown> {
  return {
    __typename: 'ProjectV2',
    id: p.nodeId,
    databaseId: p.id,
    number: p.number,
    title: p.title,
    closed: false,
    public: false,
    url: `${c.urls.web}/orgs/${p.owner.login}/projects/${p.number}`,
    owner: ownerView(p.owner, c),
    fields: (a: { first?: number }) => connection(p.fields, a, fieldView, 'fields'),
    field: ({ name }: { name: string }) => {
      const f = p.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
      return f ? fieldView(f) : null;
    },
    items: (a: { first?: number }) => connection(p.items, a, (i) => itemView(i, c), 'items'),
  };
}

/** `projectV2(number)` and `projectsV2(first)` on an organization or user. */
export const ownerProjects = (c: Ctx, login: string) => ({
  projectV2: ({ number }: { number: number }) => {
    const p = c.state.projects.find((x) => x.owner.login === login && x.number === number);
    return p ? projectView(p, c) : null;
  },
  projectsV2: (a: { first?: number }) =>
    connection(
      c.state.projects.filter((x) => x.owner.login === login),
      a,
      (p) => projectView(p, c),
      'projectsV2',
    ),
});

const write = needs('projects', 'write');

export const projectMutations: Record<string, Mutation> = {
  createProjectV2: guarded(write, (input, c) => {
    const owner = c.state.node(input.ownerId);
    const found =
      owner?.kind === 'Organization' || owner?.kind === 'User'
        ? owner.value
        : resolveId(c, input.ownerId, 'Organization');
    return { projectV2: projectView(createProject(c.state, found, input.title), c) };
  }),
  createProjectV2Field: guarded(write, (input, c) => {
    const project = resolveId(c, input.projectId, 'ProjectV2');
    const field = addField(c.state, project, input.name, input.dataType, input.singleSelectOptions ?? []);
    return { projectV2Field: fieldView(field) };
  }),
  addProjectV2ItemById: guarded(write, (input, c) => {
    const project = resolveId(c, input.projectId, 'ProjectV2');
    return { item: itemView(addItem(c.state, project, resolveId(c, input.contentId, 'Issue')), c) };
  }),
  updateProjectV2ItemFieldValue: guarded(write, (input, c) => {
    const item = resolveId(c, input.itemId, 'ProjectV2Item');
    if (item.project !== resolveId(c, input.projectId, 'ProjectV2')) {
      return { projectV2Item: null };
    }
    setValue(item, resolveId(c, input.fieldId, 'ProjectV2Field'), input.value);
    return { projectV2Item: itemView(item, c) };
  }),
  updateProjectV2Field: guarded(write, (input, c) => {
    const field = resolveId(c, input.fieldId, 'ProjectV2Field');
    const project = c.state.projects.find((p) => p.fields.includes(field))!;
    updateField(project, field, { name: input.name, options: input.singleSelectOptions });
    return { projectV2Field: fieldView(field) };
  }),
  clearProjectV2ItemFieldValue: guarded(write, (input, c) => {
    const item = resolveId(c, input.itemId, 'ProjectV2Item');
    if (item.project !== resolveId(c, input.projectId, 'ProjectV2')) return { projectV2Item: null };
    clearValue(item, resolveId(c, input.fieldId, 'ProjectV2Field'));
    return { projectV2Item: itemView(item, c) };
  }),
};

entityExtensions.owner = ownerProjects;
entityExtensions.view = (e, c) =>
  e.kind === 'ProjectV2'
    ? projectView(e.value, c)
    : e.kind === 'ProjectV2Item'
      ? itemView(e.value, c)
      : e.kind === 'ProjectV2Field'
        ? fieldView(e.value)
        : null;
