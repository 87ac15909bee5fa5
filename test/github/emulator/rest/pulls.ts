/** Pull requests: get one by number (they are made through the state, the seed or `POST /_emulator/pulls`). */
import { needs } from '../auth.js';
import { pullRequestJson } from './render.js';
import { ok, type RestOperations, type RestRequest } from './types.js';

const repoOf = (r: RestRequest) => r.state.repo(r.params.owner!, r.params.repo!);

const read = needs('pull_requests', 'read');

export const pullOperations: RestOperations = {
  // An issue's number is GitHub's 404 here, as an unknown one is.
  'pulls/get': {
    needs: read,
    handle: (r) => ok(pullRequestJson(r.state.pullRequest(repoOf(r), Number(r.params.pull_number)), r.urls)),
  },
};
