/**
 * Serves one PGlite database over the PostgreSQL wire protocol to many `pg` connections, with
 * pglite-socket's connection handler and a stricter scheduler of our own.
 *
 * PGlite is a single session. pglite-socket's own server shares it between connections one
 * protocol message at a time, and keeps it for one connection only while a transaction block is
 * open, so the Parse, Bind, Execute and Sync of two connections' queries can interleave: one then
 * reads the other's results ("no result", hangs) as soon as two connections are busy at once.
 * Here a connection keeps the session from its first message to its Sync (or its simple Query),
 * and for as long as it has a transaction open. Connections then behave like PostgreSQL ones
 * whose work never overlaps: right for tests, not for a test that needs two open transactions.
 */
import { createServer } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

/** Byte 0 of a message after start-up: its type. */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** The queue pglite-socket's handler talks to (enqueue, clearQueueForHandler, clearTransactionIfNeeded). */
class SessionQueue {
  private readonly queue: Queued[] = [];
  /** The connection that has the session: mid extended-protocol query or in a transaction. */
  private holder: number | undefined;
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i];
      if (q?.handlerId !== handlerId) continue;
      this.queue.splice(i, 1);
      q.reject(new Error('connection closed'));
    }
  }

  /** A client gone mid-query or mid-transaction leaves the session to the others, rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return;
    await this.db.runExclusive(async () => {
      if (this.db.isInTransaction()) await this.db.exec('rollback').catch(() => undefined);
    });
    this.holder = undefined;
    await this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const i = this.holder === undefined ? 0 : this.queue.findIndex((q) => q.handlerId === this.holder);
        if (i < 0 || this.queue.length === 0) break;
        const [q] = this.queue.splice(i, 1);
        if (q) await this.run(q);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(q: Queued): Promise<void> {
    const type = q.message[0];
    // The start-up packet begins with its length (byte 0 is 0); it is a whole exchange.
    const startup = type === 0;
    if (type === TERMINATE) {
      this.holder = this.db.isInTransaction() ? q.handlerId : undefined;
      return q.resolve(0);
    }
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(q.message, {
          onRawData: (data) => {
            bytes += data.length;
            q.onData(data);
          },
        }),
      );
    } catch (e) {
      this.holder = undefined;
      return q.reject(e);
    }
    const done = startup || type === SYNC || type === QUERY;
    this.holder = !done || this.db.isInTransaction() ? q.handlerId : undefined;
    q.resolve(bytes);
  }
}

export interface PgliteServer {
  /** host:port */
  address: string;
  close(): Promise<void>;
}

export async function servePglite(db: PGlite, host = '127.0.0.1'): Promise<PgliteServer> {
  await db.waitReady;
  // The handler's option names pglite-socket's own queue class, whose private fields no other
  // class can match; ours has the three methods the handler calls.
  const queryQueue = new SessionQueue(db) as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.addEventListener('error', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const addr = server.address();
  if (addr === null || typeof addr !== 'object') throw new Error('PGlite server has no TCP address');
  return {
    address: `${host}:${addr.port}`,
    close: async () => {
      await Promise.all([...handlers].map((h) => h.detach(true)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
