/**
 * Conditional writes, with the domain errors for what the store reported. They back up the checks
 * the use-cases make first (assertItemVersion, title and link look-ups): inside the workspace lock
 * they fail only when a use-case writes from a stale read of its own, so their hints are generic.
 * Apart from version-conflict.ts because roll-ups write through them and that file reads rollup.ts.
 */
import { DomainError } from '../errors.js';
import type { Milestone } from '../model/milestone.js';
import type { SpecVersion } from '../model/spec.js';
import type { ItemLink, WorkItem } from '../model/work-item.js';
import type { ItemWrites } from '../ports/store-items.js';
import type { MilestoneWrites, TitleTaken } from '../ports/store-milestones.js';
import type { VersionedUpdate } from '../ports/store-results.js';
import type { SpecWrites } from '../ports/store-specs.js';

/** Stores `item` over version `expectedVersion`: ITEM.NOT_FOUND or ITEM.VERSION_CONFLICT when the store refused. */
export async function updateItemAt(tx: ItemWrites, item: WorkItem, expectedVersion: number): Promise<void> {
  const res = await tx.updateItem(item, expectedVersion);
  if (res.ok) return;
  const id = item.id;
  if (!res.found)
    throw new DomainError('ITEM.NOT_FOUND', `Item ${id} does not exist`, 'Check the id with list tools.');
  throw new DomainError(
    'ITEM.VERSION_CONFLICT',
    `Item ${id} is at version ${res.actualVersion}, not ${expectedVersion}`,
    'Someone changed it meanwhile: re-read the item and apply your change again.',
    { id, expectedVersion, currentVersion: res.actualVersion },
  );
}

/** Stores a new link: LINK.EXISTS when it was already there. */
export async function insertNewLink(tx: ItemWrites, link: ItemLink): Promise<void> {
  if (await tx.insertLink(link)) return;
  throw new DomainError(
    'LINK.EXISTS',
    `${link.blockerId} already blocks ${link.blockedId}`,
    'Nothing to do; the link is already there.',
  );
}

/** Stores a new milestone: MILESTONE.TITLE_TAKEN when another one has its title. */
export async function insertMilestoneTitled(tx: MilestoneWrites, m: Milestone): Promise<void> {
  const res = await tx.insertMilestone(m);
  if (!res.ok) throw titleTaken(m, res.titleTakenBy);
}

/** Stores `m` over version `expectedVersion`; MILESTONE.TITLE_TAKEN, .NOT_FOUND or .VERSION_CONFLICT otherwise. */
export async function updateMilestoneAt(
  tx: MilestoneWrites,
  m: Milestone,
  expectedVersion: number,
): Promise<void> {
  const res: VersionedUpdate | TitleTaken = await tx.updateMilestone(m, expectedVersion);
  if (res.ok) return;
  if ('titleTakenBy' in res) throw titleTaken(m, res.titleTakenBy);
  const id = m.id;
  if (!res.found) {
    throw new DomainError(
      'MILESTONE.NOT_FOUND',
      `Milestone ${id} does not exist`,
      'List milestones to find the id.',
    );
  }
  throw new DomainError(
    'MILESTONE.VERSION_CONFLICT',
    `Milestone ${id} is at version ${res.actualVersion}, not ${expectedVersion}`,
    'Someone changed it meanwhile: re-read the milestone and apply your change again.',
    { id, expectedVersion, currentVersion: res.actualVersion },
  );
}

function titleTaken(m: Milestone, holder: string): DomainError {
  return new DomainError(
    'MILESTONE.TITLE_TAKEN',
    `Milestone ${holder} already has the title "${m.title}"`,
    `Use ${holder}, or pick another title.`,
    { id: holder },
  );
}

/**
 * Stores version `expectedVersion + 1` of a spec. A stale `expectedVersion` is INTERNAL: the
 * workspace lock covers specs, so only a caller that did not read the latest version first gets it wrong.
 */
export async function putSpecAt(
  tx: SpecWrites,
  spec: Omit<SpecVersion, 'version'> & { text: string },
  expectedVersion: number,
): Promise<SpecVersion> {
  const res = await tx.putSpecVersion(spec, expectedVersion);
  if (res.ok) return res.stored;
  throw new DomainError(
    'INTERNAL',
    `Spec ${spec.specId} is at version ${res.actualVersion}, not ${expectedVersion}`,
    'Read the latest version of the spec inside the same write before storing the next one.',
    { specId: spec.specId, expectedVersion, currentVersion: res.actualVersion },
  );
}
