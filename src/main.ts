// The `governance-factory` bin: loads the configuration, builds the deps (src/composition/, the only
// other place that wires adapters) and picks the transport. Cold start matters (clients spawn the
// server per session): the transports and express are imported only on the path that needs them,
// and every adapter loads on the first call that needs it, never for initialize or tools/list.
import { fileURLToPath } from 'node:url';
import { createDeps, SERVER_INFO } from './composition/create-deps.js';
import { startJobWorker } from './composition/job-worker.js';
import { ConfigError, loadConfig, type ServeConfig } from './config/config.js';
import { USAGE } from './config/usage.js';
import type { Deps, Logger } from './mcp/deps.js';
import type { ServerOptions } from './server.js';

const NAME = SERVER_INFO.name;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${NAME}: ${err.message}`);
    process.exit(2);
  }
  if (config.command === 'help') return void process.stdout.write(USAGE);
  if (config.command === 'version') return void process.stdout.write(`${SERVER_INFO.version}\n`);

  // The transports close the deps on shutdown (SIGINT/SIGTERM, stdin closed).
  const deps = createDeps(config);
  const log = deps.logger;
  scheduleCheckpoints(deps, config.audit.checkpointMinutes, log);
  startJobWorker(deps, log, { reconcileIntervalMs: config.reconcileIntervalMs ?? 0 });
  const options: ServerOptions = {
    readOnly: config.readOnly,
    ...(config.toolsets ? { toolsets: config.toolsets } : {}),
  };

  if (config.command === 'stdio') {
    const { serveStdio } = await import('./transports/stdio.js');
    await serveStdio(deps, options, config.stdio, log);
    return;
  }
  const { serveHttp } = await import('./transports/http.js');
  try {
    const { url } = await serveHttp(deps, options, config.http, log);
    process.stdout.write(banner(url, config));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      const why =
        code === 'EADDRINUSE'
          ? 'is already in use'
          : code === 'EACCES'
            ? 'needs more privileges'
            : 'is not available';
      console.error(
        `${NAME}: cannot listen on ${config.http.host}:${config.http.port}: the address ${why}. ` +
          'Choose another with --port/GF_PORT or --host/GF_HOST.',
      );
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Signs every audit head that moved since its last checkpoint, every `minutes` while the server runs.
 * Unref'd: it never keeps a finished process alive. A run still going when the next is due skips it.
 */
function scheduleCheckpoints(deps: Deps, minutes: number, log: Logger): void {
  const signer = deps.auditSigner;
  if (minutes === 0 || !signer) return;
  let running = false;
  const run = async () => {
    const { checkpointAll } = await import('./governance/use-cases/checkpoint-audit.js');
    const n = await checkpointAll(deps, signer, (workspace, err) =>
      log.warn({ err, workspace }, 'audit checkpoint refused or failed'),
    );
    if (n > 0) log.info({ checkpoints: n }, 'signed audit checkpoints');
  };
  setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch((err: unknown) => log.warn({ err }, 'audit checkpoints failed'))
      .finally(() => (running = false));
  }, minutes * 60_000).unref();
}

function banner(url: string, config: ServeConfig): string {
  const self = fileURLToPath(import.meta.url);
  const claude = { mcpServers: { [NAME]: { command: 'node', args: [self, 'stdio'] } } };
  const vscode = { servers: { [NAME]: { type: 'http', url } } };
  const auth =
    config.http.authToken || config.http.identities.length > 0
      ? '\n  (send the header  Authorization: Bearer <token>)'
      : '';
  return `
${NAME} ${SERVER_INFO.version} listening on ${url}${auth}
  store: ${config.store.kind === 'sqlite' ? config.store.dataDir : `PostgreSQL, schema ${config.store.schema}`}

Connect with:
  MCP Inspector      npx @modelcontextprotocol/inspector   then enter ${url}
  Claude Desktop     claude_desktop_config.json (stdio):
    ${JSON.stringify(claude)}
  VS Code            .vscode/mcp.json:
    ${JSON.stringify(vscode)}

Logs go to stderr. Stop with Ctrl+C.
`;
}

main().catch((err: unknown) => {
  console.error(`${NAME}: failed to start:`, err);
  process.exit(1);
});
