/** Every REST operation the emulator implements, by GitHub operationId. */
import { appOperations } from './apps.js';
import { catalogOperations } from './catalog.js';
import { issueOperations } from './issues.js';
import { pullOperations } from './pulls.js';
import { relationOperations } from './relations.js';
import { searchOperations } from './search.js';
import type { RestOperations } from './types.js';

export const restOperations: RestOperations = {
  ...issueOperations,
  ...pullOperations,
  ...catalogOperations,
  ...relationOperations,
  ...searchOperations,
  ...appOperations,
};

/** Routed by openapi-backend too, but answered by the contents handler (its `{path}` spans segments). */
export const CONTENTS_OPERATION = 'repos/get-content';

export const OPERATION_IDS = [...Object.keys(restOperations), CONTENTS_OPERATION];
