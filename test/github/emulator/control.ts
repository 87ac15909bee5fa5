/**
 * /_emulator/*: the emulator driven over HTTP (for benchmarks and the CLI), not part of GitHub's API.
 *   GET|DELETE /_emulator/requests   the request log, or clear it
 *   GET|POST|DELETE /_emulator/faults   pending faults, arm one (a Fault or an array), clear them
 *   POST /_emulator/reset   full limits, no faults
 *   POST /_emulator/pulls   create a pull request: `{ owner, repo, title, body?, state?, merged?,
 *                           draft?, head?, headSha?, base?, user? }` (see PullRequestInput), answered
 *                           201 with it as `pulls/get` renders it; 404 for an unknown repository,
 *                           422 for a blank title or an impossible state (merged and open, merged draft)
 */
import { EmulatorError } from './errors.js';
import type { Fault } from './faults.js';
import { errorAnswer, type Answer } from './respond.js';
import { pullRequestJson } from './rest/render.js';
import type { GitHubEmulator } from './server.js';
import type { PullRequestInput } from './state.js';

const TYPES: Record<string, string> = {
  owner: 'string',
  repo: 'string',
  title: 'string',
  state: 'string',
  merged: 'boolean',
  draft: 'boolean',
  head: 'string',
  headSha: 'string',
  base: 'string',
  user: 'string',
};

/** The JSON of `POST /_emulator/pulls`, its fields checked for their types. */
function pullInput(raw: Buffer): PullRequestInput & { owner: string; repo: string } {
  const given = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new Error('expected a JSON object');
  }
  for (const k of ['owner', 'repo', 'title'])
    if (given[k] === undefined) throw new Error(`"${k}" is required`);
  for (const [k, v] of Object.entries(given)) {
    const type = k === 'body' ? (v === null ? 'object' : 'string') : TYPES[k];
    if (!type) throw new Error(`unknown field "${k}"`);
    if (typeof v !== type) throw new Error(`"${k}" must be a ${type}`);
  }
  return given as unknown as PullRequestInput & { owner: string; repo: string };
}

export function controlAnswer(emu: GitHubEmulator, method: string, path: string, raw: Buffer): Answer {
  const route = `${method} ${path.replace(/\/$/, '')}`;
  try {
    switch (route) {
      case 'GET /_emulator/requests':
        return { status: 200, body: emu.requests };
      case 'DELETE /_emulator/requests':
        emu.requests.length = 0;
        return { status: 204, body: null };
      case 'GET /_emulator/faults':
        return { status: 200, body: emu.faults.pending };
      case 'POST /_emulator/faults': {
        const given = JSON.parse(raw.toString('utf8')) as Fault | Fault[];
        for (const f of Array.isArray(given) ? given : [given]) emu.faults.add(f);
        return { status: 201, body: emu.faults.pending };
      }
      case 'DELETE /_emulator/faults':
        emu.faults.clear();
        return { status: 204, body: null };
      case 'POST /_emulator/reset':
        emu.reset();
        return { status: 204, body: null };
      case 'POST /_emulator/pulls': {
        const { owner, repo, ...input } = pullInput(raw);
        const pull = emu.state.createPullRequest(emu.state.repo(owner, repo), input);
        return { status: 201, body: pullRequestJson(pull, { api: emu.url, web: emu.url }) };
      }
      default:
        return errorAnswer(404, 'Not Found');
    }
  } catch (err) {
    if (err instanceof EmulatorError) {
      return errorAnswer(err.status, err.message, { ...(err.errors && { errors: err.errors }) });
    }
    return errorAnswer(400, err instanceof Error ? err.message : String(err));
  }
}
