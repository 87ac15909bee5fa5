/**
 * The answer a model must give for a spec, as a zod schema. Shape errors and the checks zod cannot
 * express (lines outside the spec, unknown agents or refs, dependency cycles, dependencies on an
 * ancestor) are all schema issues, so askModelForJson quotes every one of them in its single retry.
 */
import * as z from 'zod';
import { LIMITS, PRIORITIES } from '../model/work-item.js';

/** A model plan is returned in one page (decompose_spec's largest page). */
export const MAX_MODEL_ITEMS = 500;

const item = {
  ref: z.string().trim().min(1).max(60).optional(),
  title: z.string().trim().min(1).max(LIMITS.title),
  // Sized so description plus criteria section stays under LIMITS.description: nothing is cut.
  description: z.string().max(20_000).default(''),
  acceptanceCriteria: z.array(z.string().trim().min(1).max(1_000)).max(30).default([]),
  priority: z.enum(PRIORITIES).optional(),
  estimateDays: z.number().min(0.5).max(LIMITS.estimateDays).optional(),
  agent: z.string().trim().max(LIMITS.agent).nullable().optional(),
  lines: z.tuple([z.number().int(), z.number().int()]),
  dependsOn: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
};
const task = z.object(item);
const feature = z.object({ ...item, tasks: z.array(task).min(1, 'a feature needs at least one task') });
const epic = z.object({
  ...item,
  features: z.array(feature).min(1, 'an epic needs at least one feature'),
});

const answerShape = z.object({
  confidence: z.number().min(0).max(1),
  epics: z.array(epic).min(1, 'the plan needs at least one epic'),
});
export type ModelAnswer = z.output<typeof answerShape>;
export type ModelItem = z.output<typeof task>;

interface Visit {
  item: ModelItem;
  path: (string | number)[];
  /** Refs of the ancestors, innermost first. */
  ancestors: string[];
}

function walk(a: ModelAnswer): Visit[] {
  const out: Visit[] = [];
  a.epics.forEach((e, ei) => {
    const ep = ['epics', ei];
    out.push({ item: e, path: ep, ancestors: [] });
    e.features.forEach((f, fi) => {
      const fp = [...ep, 'features', fi];
      out.push({ item: f, path: fp, ancestors: e.ref ? [e.ref] : [] });
      f.tasks.forEach((t, ti) => {
        out.push({
          item: t,
          path: [...fp, 'tasks', ti],
          ancestors: [f.ref, e.ref].filter((r): r is string => r !== undefined),
        });
      });
    });
  });
  return out;
}

/** Agent names as the configuration has them; the model may write `dev` or `agent:dev`. */
export function agentName(agent: string): string {
  return agent.startsWith('agent:') ? agent.slice(6) : agent;
}

/**
 * The schema for a spec of `lineCount` lines whose items may name `agents` (an empty list: any
 * agent is refused, the model must answer null).
 */
export function modelAnswerSchema(lineCount: number, agents: readonly string[]): z.ZodType<ModelAnswer> {
  const allowed = new Set(agents);
  return answerShape.superRefine((a, ctx) => {
    const visits = walk(a);
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (visits.length > MAX_MODEL_ITEMS) {
      issue(['epics'], `${visits.length} items: at most ${MAX_MODEL_ITEMS}, merge the smallest tasks`);
    }
    const byRef = new Map<string, Visit>();
    for (const v of visits) {
      const [start, end] = v.item.lines;
      if (start < 1 || end < start || end > lineCount) {
        issue(
          [...v.path, 'lines'],
          `[${start}, ${end}] is not a line range within the spec (1-${lineCount})`,
        );
      }
      const agent = v.item.agent;
      if (agent != null && !allowed.has(agentName(agent))) {
        issue(
          [...v.path, 'agent'],
          `"${agent}" is not an agent of this workspace: use one of [${agents.join(', ')}] or null`,
        );
      }
      const ref = v.item.ref;
      if (ref === undefined) continue;
      if (byRef.has(ref)) issue([...v.path, 'ref'], `ref "${ref}" is used twice`);
      else byRef.set(ref, v);
    }
    for (const v of visits) {
      v.item.dependsOn.forEach((dep, i) => {
        const at = [...v.path, 'dependsOn', i];
        const target = byRef.get(dep);
        if (!target) issue(at, `"${dep}" is not the ref of any item`);
        else if (target === v) issue(at, 'an item cannot depend on itself');
        else if (v.ancestors.includes(dep) || (v.item.ref && target.ancestors.includes(v.item.ref))) {
          issue(
            at,
            `"${dep}" is a parent or child of this item: express it in the hierarchy, not as a dependency`,
          );
        }
      });
    }
    const cycle = findCycle(byRef);
    if (cycle) issue([...cycle.at, 'dependsOn'], `dependencies form a cycle: ${cycle.refs.join(' -> ')}`);
  });
}

/** One dependency cycle among refs, if any (iterative DFS, so a long chain cannot overflow the stack). */
function findCycle(byRef: ReadonlyMap<string, Visit>): { refs: string[]; at: (string | number)[] } | null {
  const state = new Map<string, 'open' | 'done'>();
  for (const root of byRef.keys()) {
    if (state.has(root)) continue;
    const stack: { ref: string; next: number }[] = [{ ref: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = byRef.get(top.ref)!.item.dependsOn;
      if (top.next >= deps.length) {
        state.set(top.ref, 'done');
        stack.pop();
        continue;
      }
      const dep = deps[top.next++]!;
      if (!byRef.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'open') {
        const from = stack.findIndex((f) => f.ref === dep);
        return { refs: [...stack.slice(from).map((f) => f.ref), dep], at: byRef.get(dep)!.path };
      }
      if (s === undefined) {
        state.set(dep, 'open');
        stack.push({ ref: dep, next: 0 });
      }
    }
  }
  return null;
}
