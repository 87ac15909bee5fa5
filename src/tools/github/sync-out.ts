import * as z from 'zod';
import type { PlannedSync } from '../../governance/use-cases/github-sync.js';

/** How many planned creates and updates a result lists (counts are always complete). */
export const LISTED = 50;

export const planOut = z.object({
  planId: z.string().describe('Pass to apply_github_sync; it refuses once GitHub or the hierarchy changed'),
  repository: z.string(),
  counts: z.object({
    labelsToCreate: z.number(),
    labelsToUpdate: z.number(),
    milestonesToCreate: z.number(),
    milestonesToUpdate: z.number(),
    issuesToCreate: z.number(),
    issuesToUpdate: z.number(),
    issuesFoundByMarker: z.number().describe('Issues a marker ties to an item that has no mapping row yet'),
    parentsToSet: z.number(),
    dependenciesToAdd: z.number(),
    dependenciesToRemove: z.number(),
    unmanagedIssues: z.number().describe('Issues without this workspace marker: never touched'),
  }),
  budget: z.object({
    contentCreating: z.number().describe('Write requests, each counted by GitHub secondary limit'),
    floorSeconds: z.number().describe('Least time 80 content-creating requests a minute impose'),
    readsSoFar: z.number(),
  }),
  problems: z.array(z.object({ itemId: z.string().nullable(), limit: z.string(), message: z.string() })),
  creates: z.array(z.object({ itemId: z.string(), title: z.string(), parentId: z.string().nullable() })),
  updates: z.array(z.object({ itemId: z.string(), number: z.number(), fields: z.array(z.string()) })),
});

export function planData(p: PlannedSync): z.input<typeof planOut> {
  const { plan, session } = p;
  return {
    planId: p.planId,
    repository: `${session.owner}/${session.repo}`,
    counts: {
      labelsToCreate: plan.labels.create.length,
      labelsToUpdate: plan.labels.update.length,
      milestonesToCreate: plan.milestones.create.length,
      milestonesToUpdate: plan.milestones.update.length,
      issuesToCreate: plan.issues.create.length,
      issuesToUpdate: plan.issues.update.length,
      issuesFoundByMarker: plan.issues.adopt.length,
      parentsToSet: plan.parents.length,
      dependenciesToAdd: plan.dependencies.add.length,
      dependenciesToRemove: plan.dependencies.remove.length,
      unmanagedIssues: plan.unmanaged,
    },
    budget: { ...plan.budget, readsSoFar: session.requests.reads },
    problems: p.desired.problems,
    creates: plan.issues.create
      .slice(0, LISTED)
      .map((i) => ({ itemId: i.itemId, title: i.title, parentId: i.parentId })),
    updates: plan.issues.update
      .slice(0, LISTED)
      .map((u) => ({ itemId: u.itemId, number: u.number, fields: u.fields })),
  };
}
