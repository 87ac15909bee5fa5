/**
 * A proposal for one item: acceptance criteria, technical notes, an estimate tier and a description
 * with its required sections filled in. Writes nothing; the caller applies it with update_item.
 *
 * The model, when one is used, sees only this item and the titles of its parent and children:
 * nothing else of the workspace leaves the server. Its answer is checked against a schema and,
 * when it is unusable, the template draft is returned with the reason in `generation.fallback`.
 */
import * as z from 'zod';
import {
  draftDescription,
  enhanceWithTemplates,
  type EnhanceDraft,
  type EnhanceInput,
} from '../compliance/enhance.js';
import { describeTiers, TIERS, tierRange } from '../compliance/policy.js';
import type { GovernanceConfig } from '../config/schema.js';
import type { ItemType } from '../model/work-item.js';
import { assertWorkspace } from '../model/workspace.js';
import type { ModelMethod, ModelSources } from '../ports/model.js';
import type { ItemReads } from '../ports/store-items.js';
import type { WorkspaceReads } from '../ports/store-workspaces.js';
import { requireItem } from './lookups.js';
import { askModelForJson, chooseModel, heuristicGeneration, type GenerationMeta } from './model-json.js';

export interface EnhanceItemCommand {
  workspace: string;
  id: string;
  method: ModelMethod;
}

export interface EnhanceItemDeps {
  reader: ItemReads & WorkspaceReads;
  config: GovernanceConfig;
  models: ModelSources;
  /** Milliseconds since any origin, for the latency. */
  clockMs: () => number;
  signal?: AbortSignal;
}

export interface EnhanceItemResult extends EnhanceDraft {
  item: { id: string; type: ItemType; title: string; version: number };
  generation: GenerationMeta;
}

const MAX_CHILDREN_SENT = 50;
const MAX_DESCRIPTION_SENT = 8_000;
const MAX_TOKENS = 1_500;

// One markdown list line each: a model's line breaks would split a criterion into loose text.
const line = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .transform((t) => t.replace(/\s+/g, ' '));
export const modelAnswerSchema = z.object({
  acceptanceCriteria: z.array(line).min(1).max(20),
  technicalNotes: z.array(line).max(20),
  tier: z.enum(TIERS),
  confidence: z.number().min(0).max(1),
});

export async function enhanceItem(
  deps: EnhanceItemDeps,
  cmd: EnhanceItemCommand,
): Promise<EnhanceItemResult> {
  assertWorkspace(cmd.workspace);
  // Before any read: a method this call cannot use fails the same way for every item.
  const port = chooseModel(cmd.method, deps.models);
  const item = await requireItem(deps.reader, cmd.workspace, cmd.id);
  const [parent, children] = await Promise.all([
    item.parentId ? deps.reader.getItem(cmd.workspace, item.parentId) : Promise.resolve(undefined),
    deps.reader.listChildren(cmd.workspace, item.id),
  ]);
  const input: EnhanceInput = { item, parent: parent ?? null, children, config: deps.config };
  const draft = enhanceWithTemplates(input);
  const ref = { id: item.id, type: item.type, title: item.title, version: item.version };
  const heuristic = (failed?: {
    reason: string;
    attempts: number;
    latencyMs: number;
  }): EnhanceItemResult => ({
    ...draft,
    item: ref,
    generation: heuristicGeneration(cmd.method, draft.confidence, failed),
  });
  if (!port) return heuristic();
  const r = await askModelForJson(port, {
    task: 'writing',
    system: systemPrompt(deps.config, item.type),
    prompt: userPrompt(input),
    maxTokens: MAX_TOKENS,
    schema: modelAnswerSchema,
    ...(deps.signal && { signal: deps.signal }),
    now: deps.clockMs,
  });
  if (!r.ok) {
    return heuristic(r);
  }
  const a = r.value;
  return {
    acceptanceCriteria: a.acceptanceCriteria,
    technicalNotes: a.technicalNotes,
    estimate: tierRange(deps.config, a.tier),
    confidence: a.confidence,
    description: draftDescription(input, a.acceptanceCriteria, a.technicalNotes),
    item: ref,
    generation: {
      method: port.kind,
      requested: cmd.method,
      model: r.model,
      latencyMs: r.latencyMs,
      confidence: a.confidence,
      attempts: r.attempts,
      fallback: null,
    },
  };
}

function systemPrompt(config: GovernanceConfig, type: string): string {
  return [
    `You write the acceptance criteria, technical notes and size of one ${type} of a software project.`,
    'Acceptance criteria are short, testable statements of done. Technical notes are short, concrete',
    'implementation hints. Pick a size tier by effort in working days: ' + `${describeTiers(config)}.`,
    'Give your confidence in the tier between 0 and 1.',
    'Answer with only a JSON object, no prose and no code fence:',
    '{"acceptanceCriteria": string[], "technicalNotes": string[], "tier": "simple"|"medium"|"complex", "confidence": number}',
  ].join('\n');
}

/** Only this item and the titles of its parent and children: nothing else of the workspace. */
function userPrompt(input: EnhanceInput): string {
  const { item, parent, children } = input;
  const description = item.description.slice(0, MAX_DESCRIPTION_SENT);
  const kids = children.slice(0, MAX_CHILDREN_SENT).map((c) => `- ${c.type}: ${c.title}`);
  if (children.length > MAX_CHILDREN_SENT) kids.push(`- and ${children.length - MAX_CHILDREN_SENT} more`);
  return [
    `${item.type} ${item.id}: ${item.title}`,
    parent ? `Part of ${parent.type}: ${parent.title}` : 'No parent.',
    kids.length > 0 ? `Children:\n${kids.join('\n')}` : 'No children.',
    description.trim() ? `Description:\n${description}` : 'No description yet.',
  ].join('\n\n');
}
