/**
 * npm run github-emulator -- --port N [--host H] [--seed file.json] [--time-scale X]
 * Starts the emulator and prints its base URL on stdout (one line), then serves until stopped.
 */
import { parseArgs } from 'node:util';
import { loadSeed } from './seed.js';
import { startGitHubEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    'time-scale': { type: 'string', default: '1' },
  },
});

const timeScale = Number(values['time-scale']);
const port = Number(values.port);
if (!Number.isFinite(timeScale) || timeScale <= 0 || !Number.isInteger(port) || port < 0) {
  process.stderr.write('usage: github-emulator --port N [--host H] [--seed file.json] [--time-scale X]\n');
  process.exit(2);
}

const gh = await startGitHubEmulator({
  port,
  host: values.host,
  timeScale,
  ...(values.seed && { seed: loadSeed(values.seed) }),
});
process.stdout.write(`${gh.url}\n`);

const stop = () => void gh.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
