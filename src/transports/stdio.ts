import type { StdioConfig } from '../config/config.js';
import type { ClosableDeps, Logger } from '../mcp/deps.js';
import { buildServer, type ServerOptions } from '../server.js';
import { LineTransport } from './line-transport.js';
import { Drain, exitOnShutdown } from './shutdown.js';
import { TrackingTransport } from './tracking-transport.js';

/** How long requests already received may take to finish once the client has gone. */
const DRAIN_MS = 10_000;

/**
 * One MCP server over stdin/stdout. stdout carries only protocol messages; logs go to stderr.
 * Stops (exit 0) when stdin ends or on SIGINT/SIGTERM, after answering requests already read.
 */
export async function serveStdio(
  deps: ClosableDeps,
  options: ServerOptions,
  cfg: StdioConfig,
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  const server = buildServer(deps, options);
  let stdoutGone = false;
  const drain = new Drain(() => stdoutGone || transport.inFlight === 0);
  const lines = new LineTransport(process.stdin, process.stdout, {
    maxLineBytes: cfg.maxLineBytes,
    onOversized: ({ bytes, limit, id }) =>
      log.warn({ bytes, limit, id }, 'message over GF_MAX_BODY_BYTES discarded; answered with an error'),
  });
  const transport = new TrackingTransport(lines, () => drain.poke());
  await server.connect(transport);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (!(await drain.wait(DRAIN_MS)))
        log.warn({ inFlight: transport.inFlight }, 'requests still running at exit');
      await server.close().catch((err: unknown) => log.warn({ err }, 'closing the MCP server failed'));
      await deps.close();
    })());

  const stop = exitOnShutdown(close, log);
  process.stdin.once('end', () => stop('stdin closed'));
  // The client went away mid-write (EPIPE): nobody is left to answer.
  process.stdout.on('error', (err: Error) => {
    stdoutGone = true;
    drain.poke();
    log.warn({ err }, 'stdout closed');
    stop('stdout closed');
  });
  log.info(
    { transport: 'stdio', readOnly: options.readOnly ?? false, maxLineBytes: cfg.maxLineBytes },
    'ready',
  );
  return { close };
}
