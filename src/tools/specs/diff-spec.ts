import * as z from 'zod';
import { RELATED_MIN } from '../../governance/model/spec-identity.js';
import { diffSpecTexts } from '../../governance/use-cases/diff-spec.js';
import { defineTool } from '../../mcp/define-tool.js';
import { itemLine } from '../../mcp/text.js';
import { asOf, planItemRef, ref, specText } from './plan-schemas.js';

const CAP = 200;
const cap = <T>(xs: readonly T[]): T[] => xs.slice(0, CAP);

export const diffSpecTool = defineTool({
  name: 'diff_spec',
  title: 'Diff spec versions',
  description: 'What an edit to a spec changes in its plan: added, removed, changed, moved items.',
  toolset: 'specs',
  effect: 'read',
  input: z.object({ before: specText, after: specText, asOf }),
  output: z.object({
    added: z.array(planItemRef),
    removed: z.array(planItemRef),
    changed: z.array(z.object({ id: z.string(), title: z.string(), fields: z.array(z.string()) })),
    moved: z.array(
      z.object({
        id: z.string(),
        previousId: z.string().nullable(),
        fromParentId: z.string().nullable(),
        toParentId: z.string().nullable(),
      }),
    ),
    linksAdded: z.number(),
    linksRemoved: z.number(),
    similarity: z
      .number()
      .describe(
        'How much the two texts have in common, 0..1: the better of line and word overlap, title aside',
      ),
    unrelated: z
      .boolean()
      .describe(
        `Similarity under ${RELATED_MIN}: not two versions of one spec; apply_spec refuses such an ` +
          'edit under a default spec id (SPEC.UNRELATED)',
      ),
    truncated: z.boolean(),
  }),
  async handler(input, { deps }) {
    const now = input.asOf ?? deps.clock.now();
    const { diff: d, similarity, unrelated } = diffSpecTexts(input.before, input.after, now);
    const counts = [d.added, d.removed, d.changed, d.moved].map((x) => x.length);
    return {
      data: {
        added: cap(d.added).map(ref),
        removed: cap(d.removed).map(ref),
        changed: cap(d.changed).map((c) => ({ id: c.id, title: c.after.title, fields: [...c.fields] })),
        moved: cap(d.moved).map((m) => ({
          id: m.id,
          previousId: m.previousId ?? null,
          fromParentId: m.fromParentId,
          toParentId: m.toParentId,
        })),
        linksAdded: d.linksAdded.length,
        linksRemoved: d.linksRemoved.length,
        similarity,
        unrelated,
        truncated: counts.some((n) => n > CAP),
      },
      summary:
        `${counts[0]} added, ${counts[1]} removed, ${counts[2]} changed, ${counts[3]} moved` +
        (unrelated ? `; the texts look unrelated (similarity ${similarity})` : ''),
      lines: [
        ...cap(d.added).map((i) => `added ${itemLine(ref(i))}`),
        ...cap(d.removed).map((i) => `removed ${itemLine(ref(i))}`),
        ...cap(d.changed).map((c) => `changed ${c.id} ${c.after.title}: ${[...c.fields].join(', ')}`),
        ...cap(d.moved).map((m) => `moved ${m.id}: ${m.fromParentId ?? 'root'} -> ${m.toParentId ?? 'root'}`),
      ],
    };
  },
});
