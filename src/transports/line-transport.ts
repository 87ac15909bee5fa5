import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** Bytes kept from each end of an oversized line, to find its id without buffering the rest. */
const EDGE = 256;

export interface LineTransportOptions {
  /** Longest accepted line in bytes, newline excluded. */
  maxLineBytes: number;
  /** Told about each line refused for its size (for the log). */
  onOversized?: (info: { bytes: number; limit: number; id: RequestId | null }) => void;
}

/**
 * Newline-delimited JSON-RPC over a byte stream (MCP stdio), in place of the SDK's
 * StdioServerTransport, whose read buffer closes the transport (and so ends the process, silently)
 * when one message passes 10 MiB. Here a line longer than `maxLineBytes` is discarded as it streams
 * by, never buffered past the limit, and answered with -32600 naming the limit; a line that is not
 * JSON gets -32700. Either way the next line is read as usual.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private parts: Buffer[] = [];
  private size = 0;
  /** Set while skipping the rest of an oversized line. */
  private skipping: { bytes: number; head: Buffer; tail: Buffer } | undefined;
  private started = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: LineTransportOptions,
  ) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('LineTransport already started');
    this.started = true;
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.parts = [];
    this.size = 0;
    this.skipping = undefined;
    this.onclose?.();
  }

  private readonly onInputError = (error: Error) => this.onerror?.(error);

  private readonly onData = (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start <= buf.length) {
      const nl = buf.indexOf(0x0a, start);
      const piece = buf.subarray(start, nl === -1 ? buf.length : nl);
      this.take(piece);
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  };

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    const skip = this.skipping;
    if (skip) {
      skip.bytes += piece.length;
      skip.tail = edge(Buffer.concat([skip.tail, piece]), 'tail');
      return;
    }
    if (this.size + piece.length <= this.options.maxLineBytes) {
      this.parts.push(piece);
      this.size += piece.length;
      return;
    }
    const sofar = Buffer.concat([...this.parts, piece]);
    this.skipping = { bytes: sofar.length, head: edge(sofar, 'head'), tail: edge(sofar, 'tail') };
    this.parts = [];
    this.size = 0;
  }

  private endLine(): void {
    const skip = this.skipping;
    if (skip) {
      this.skipping = undefined;
      const limit = this.options.maxLineBytes;
      const id = recoverId(skip.head, skip.tail);
      this.options.onOversized?.({ bytes: skip.bytes, limit, id });
      this.reply(
        id,
        ErrorCode.InvalidRequest,
        `Message too large: the limit is ${limit} bytes (GF_MAX_BODY_BYTES); it was discarded`,
      );
      return;
    }
    const line = Buffer.concat(this.parts).toString('utf8').replace(/\r$/, '');
    this.parts = [];
    this.size = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.reply(null, ErrorCode.ParseError, 'Parse error: the line is not valid JSON');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      const known = typeof id === 'string' || typeof id === 'number' ? id : null;
      this.reply(known, ErrorCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message');
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private reply(id: RequestId | null, code: number, message: string): void {
    // JSON-RPC answers an unidentifiable request with id null, which the SDK's message type omits.
    const error = { jsonrpc: '2.0', id, error: { code, message } } as unknown as JSONRPCMessage;
    this.send(error).catch((err: unknown) => this.onerror?.(err as Error));
  }
}

function edge(buf: Buffer, which: 'head' | 'tail'): Buffer {
  if (buf.length <= EDGE) return buf;
  // A copy: a view would keep the whole (large) chunk alive.
  return Buffer.from(which === 'head' ? buf.subarray(0, EDGE) : buf.subarray(buf.length - EDGE));
}

const ID = String.raw`("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})`;
/** `{"id":…` or `{"jsonrpc":"2.0","id":…` at the start: the top-level id. */
const HEAD_ID = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID}\s*[,}]`);
/** `,"id":…}` at the very end (the SDK writes the id last): one closing brace, so the top level. */
const TAIL_ID = new RegExp(String.raw`,\s*"id"\s*:\s*${ID}\s*\}\s*$`);

/** The request id of an oversized line when it sits at either end, else null. */
function recoverId(head: Buffer, tail: Buffer): RequestId | null {
  const m = HEAD_ID.exec(head.toString('utf8')) ?? TAIL_ID.exec(tail.toString('utf8').replace(/\r$/, ''));
  if (!m?.[1]) return null;
  try {
    const id: unknown = JSON.parse(m[1]);
    return typeof id === 'string' || typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
}
