/**
 * The hidden marker every managed issue carries at the end of its body: an HTML comment naming
 * the workspace and the item. GitHub renders nothing for it; searching for it finds the issue a
 * create made even when the create's response was lost, so a retried create never makes a second one.
 */

const PREFIX = 'governance-factory';
// Workspace `owner/repo` and item id as this server writes them; nothing else matches.
const MARKER_RE =
  /<!-- governance-factory: workspace=([A-Za-z0-9._-]+\/[A-Za-z0-9._-]+) item=([EFT]-\d+) -->/;

export interface MarkerRef {
  workspace: string;
  itemId: string;
}

export function marker(ref: MarkerRef): string {
  return `<!-- ${PREFIX}: workspace=${ref.workspace} item=${ref.itemId} -->`;
}

/** The marker in an issue body, or undefined for an issue this server does not manage. */
export function parseMarker(body: string | null | undefined): MarkerRef | undefined {
  const m = body ? MARKER_RE.exec(body) : null;
  return m ? { workspace: m[1]!, itemId: m[2]! } : undefined;
}

/** The body GitHub holds for an item: its description, then the marker on its own line. */
export function issueBody(description: string, ref: MarkerRef): string {
  const text = description.replace(/\s+$/, '');
  return text === '' ? marker(ref) : `${text}\n\n${marker(ref)}`;
}

/** The description an issue body holds, the marker taken off (for import and drift). */
export function descriptionOf(body: string | null | undefined): string {
  return (body ?? '').replace(MARKER_RE, '').replace(/\s+$/, '');
}
