import * as z from 'zod';
import { TIERS } from '../../governance/compliance/policy.js';
import { enhanceItem } from '../../governance/use-cases/enhance-item.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemLine } from '../../mcp/text.js';
import * as s from '../schemas.js';
import { generationOut, method } from '../specs/plan-schemas.js';

export const enhanceItemTool = defineTool({
  name: 'enhance_item',
  title: 'Enhance item',
  description:
    "Draft an item's acceptance criteria, technical notes, estimate and a description with its " +
    'required sections, by model or templates. Writes nothing: apply it with update_item.',
  toolset: 'items',
  effect: 'read',
  openWorld: true,
  input: z.object({ workspace: s.workspace, id: s.itemId, method }),
  output: z.object({
    item: z.object({ id: z.string(), type: s.itemType, title: z.string(), version: z.number() }),
    acceptanceCriteria: z.array(z.string()),
    technicalNotes: z.array(z.string()),
    estimate: z.object({ tier: z.enum(TIERS), minDays: z.number(), maxDays: z.number() }),
    confidence: z.number().describe('0..1, in the estimate'),
    description: z.string().describe('The current description with the required sections filled in'),
    generation: generationOut,
  }),
  async handler(input, { deps, models, signal }) {
    const { config } = await deps.config.effective(input.workspace);
    const r = await enhanceItem(
      {
        reader: deps.store.reader,
        config,
        models,
        clockMs: () => Date.parse(deps.clock.now()),
        signal,
      },
      input,
    );
    const e = r.estimate;
    const by =
      r.generation.method === 'heuristic' ? 'templates' : `${r.generation.method} (${r.generation.model})`;
    return {
      data: r,
      summary:
        `${r.item.id}: ${r.acceptanceCriteria.length} criteria, ${r.technicalNotes.length} note(s), ` +
        `${e.tier} (${e.minDays}-${e.maxDays} days, confidence ${r.confidence.toFixed(2)}) by ${by}` +
        `${r.generation.fallback ? ` after the model failed: ${r.generation.fallback}` : ''}; ` +
        `apply with update_item (expectedVersion ${r.item.version})`,
      lines: [
        itemLine(r.item),
        ...r.acceptanceCriteria.map((a) => `criterion: ${a}`),
        ...r.technicalNotes.map((n) => `note: ${n}`),
      ],
    };
  },
});
