/**
 * /_emulator/*: the emulator driven over HTTP (for benchmarks and the CLI), not part of GitHub's API.
 *   GET|DELETE /_emulator/requests   the request log, or clear it
 *   GET|POST|DELETE /_emulator/faults   pending faults, arm one (a Fault or an array), clear them
 *   POST /_emulator/reset   full limits, no faults
 */
import type { Fault } from './faults.js';
import { errorAnswer, type Answer } from './respond.js';
import type { GitHubEmulator } from './server.js';

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
      default:
        return errorAnswer(404, 'Not Found');
    }
  } catch (err) {
    return errorAnswer(400, err instanceof Error ? err.message : String(err));
  }
}
