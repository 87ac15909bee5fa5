import * as z from 'zod';
import { summarizePlan, type PlannedSync } from '../../governance/use-cases/github-sync.js';

export { LISTED } from '../../governance/use-cases/github-sync.js';

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
    projectItemsToAdd: z.number(),
    projectValuesToSet: z.number().describe('Status, Priority, Estimate and Agent values to set or clear'),
  }),
  project: z
    .object({
      number: z.number(),
      title: z.string(),
      url: z.string(),
      gaps: z.array(z.string()).describe('What the Project lacks to show every value (a field, an option)'),
    })
    .nullable()
    .describe('The Project set up with setup_github_project; null without one'),
  budget: z.object({
    contentCreating: z.number().describe('Write requests, each counted by GitHub secondary limit'),
    projectWrites: z.number().describe('Of those, writes to the Project'),
    floorSeconds: z.number().describe('Least time 80 content-creating requests a minute impose'),
    readsSoFar: z.number(),
  }),
  problems: z.array(z.object({ itemId: z.string().nullable(), limit: z.string(), message: z.string() })),
  creates: z.array(z.object({ itemId: z.string(), title: z.string(), parentId: z.string().nullable() })),
  updates: z.array(z.object({ itemId: z.string(), number: z.number(), fields: z.array(z.string()) })),
});

/** The plan as the tools show it (the same summary an apply job stores). */
export const planData = (p: PlannedSync): z.input<typeof planOut> => summarizePlan(p);
