/**
 * The spec a text belongs to when the caller names none. A distinctive title is the id. A generic
 * one (`# PRD`) gets a content hash, so an edited text hashes differently: the stored specs with
 * the same generic title are compared with it, and the most similar one at SAME_DOCUMENT_MIN or
 * above is the spec being edited. Below that the text is a new document with its own id.
 */
import {
  assertSpecId,
  defaultSpecId,
  genericIdBase,
  isGenericTitle,
  isHashedId,
  SAME_DOCUMENT_MIN,
  specSimilarity,
} from '../model/spec-identity.js';
import type { StoreReader } from '../ports/store.js';

/** How many stored specs with the same generic title are compared at most. */
const CANDIDATES = 50;

export async function resolveSpecId(
  r: Pick<StoreReader, 'getSpec' | 'getSpecText' | 'listSpecs'>,
  workspace: string,
  cmd: { specId?: string; text: string },
  title: string | undefined,
): Promise<string> {
  if (cmd.specId !== undefined) return assertSpecId(cmd.specId);
  const id = assertSpecId(defaultSpecId(title, cmd.text));
  if (!isGenericTitle(title) || (await r.getSpec(workspace, id))) return id;
  const base = genericIdBase(title);
  const stored = await r.listSpecs(workspace, { prefix: `${base}-`, limit: CANDIDATES });
  let best: { specId: string; similarity: number } | undefined;
  for (const s of stored) {
    if (!isHashedId(s.specId, base)) continue;
    const text = await r.getSpecText(workspace, s.specId, s.version);
    if (text === undefined) continue;
    const similarity = specSimilarity(text, cmd.text);
    if (similarity >= SAME_DOCUMENT_MIN && (!best || similarity > best.similarity)) {
      best = { specId: s.specId, similarity };
    }
  }
  return best?.specId ?? id;
}
