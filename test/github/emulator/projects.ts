/** Projects v2 over the state: projects with Title and Status fields, custom fields, issue items and their values. */
import { randomBytes } from 'node:crypto';
import { invalid } from './errors.js';
import type {
  Issue,
  Owner,
  Project,
  ProjectField,
  ProjectFieldType,
  ProjectItem,
  ProjectValue,
} from './model.js';
import type { EmulatorState } from './state.js';

const optionId = () => randomBytes(4).toString('hex');

type OptionInput = { name: string; color: string; description: string };

export function addField(
  state: EmulatorState,
  project: Project,
  name: string,
  dataType: ProjectFieldType,
  options: OptionInput[] = [],
): ProjectField {
  if (project.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) {
    throw invalid('ProjectV2Field', 'name', 'Name has already been taken');
  }
  const field = state.adopt('ProjectV2Field', (ids) => ({
    ...ids,
    name,
    dataType,
    options: options.map((o) => ({ ...o, id: optionId() })),
  }));
  project.fields.push(field);
  return field;
}

export function createProject(state: EmulatorState, owner: Owner, title: string): Project {
  const number = 1 + state.projects.filter((p) => p.owner === owner).length;
  const project = state.adopt('ProjectV2', (ids) => ({
    ...ids,
    number,
    title,
    owner,
    fields: [],
    items: [],
  }));
  state.projects.push(project);
  addField(state, project, 'Title', 'TITLE');
  addField(state, project, 'Status', 'SINGLE_SELECT', [
    { name: 'Todo', color: 'GRAY', description: '' },
    { name: 'In Progress', color: 'YELLOW', description: '' },
    { name: 'Done', color: 'GREEN', description: '' },
  ]);
  return project;
}

/** Adding the same issue twice answers the existing item, as GitHub does. */
export function addItem(state: EmulatorState, project: Project, content: Issue): ProjectItem {
  const found = project.items.find((i) => i.content === content);
  if (found) return found;
  const item = state.adopt('ProjectV2Item', (ids) => ({ ...ids, project, content, values: new Map() }));
  project.items.push(item);
  return item;
}

export function setValue(
  item: ProjectItem,
  field: ProjectField,
  value: {
    text?: string | null;
    number?: number | null;
    date?: string | null;
    singleSelectOptionId?: string | null;
  },
): void {
  if (!item.project.fields.includes(field))
    throw invalid('ProjectV2Item', 'fieldId', 'The field does not belong to the project');
  const bad = () =>
    invalid('ProjectV2Item', 'value', `The value does not fit the ${field.dataType} field '${field.name}'`);
  let v: ProjectValue;
  if (field.dataType === 'SINGLE_SELECT') {
    if (!field.options.some((o) => o.id === value.singleSelectOptionId)) throw bad();
    v = { optionId: value.singleSelectOptionId! };
  } else if (field.dataType === 'TEXT' && typeof value.text === 'string') v = { text: value.text };
  else if (field.dataType === 'NUMBER' && typeof value.number === 'number') v = { number: value.number };
  else if (field.dataType === 'DATE' && typeof value.date === 'string') v = { date: value.date };
  else throw bad();
  item.values.set(field.nodeId, v);
}

/** Options given replace the field's options (GitHub's updateProjectV2Field); values set to a removed option are dropped. */
export function updateField(
  project: Project,
  field: ProjectField,
  change: { name?: string | null; options?: OptionInput[] | null },
): void {
  if (change.name) {
    if (project.fields.some((f) => f !== field && f.name.toLowerCase() === change.name!.toLowerCase())) {
      throw invalid('ProjectV2Field', 'name', 'Name has already been taken');
    }
    field.name = change.name;
  }
  if (change.options && change.options.length > 0) {
    if (field.dataType !== 'SINGLE_SELECT')
      throw invalid('ProjectV2Field', 'singleSelectOptions', 'Only a single select field has options');
    field.options = change.options.map((o) => ({ ...o, id: optionId() }));
    for (const item of project.items) {
      const v = item.values.get(field.nodeId);
      if (v && 'optionId' in v && !field.options.some((o) => o.id === v.optionId))
        item.values.delete(field.nodeId);
    }
  }
}

export function clearValue(item: ProjectItem, field: ProjectField): void {
  if (!item.project.fields.includes(field))
    throw invalid('ProjectV2Item', 'fieldId', 'The field does not belong to the project');
  item.values.delete(field.nodeId);
}
