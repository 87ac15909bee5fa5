import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * Wraps a transport and counts requests that have arrived but not been answered, so that a
 * shutdown (stdin closed right after the last request, as in `cat requests | server stdio`) can
 * answer them before closing.
 */
export class TrackingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private readonly open = new Set<RequestId>();

  constructor(
    private readonly inner: Transport,
    private readonly onIdle: () => void,
  ) {}

  get inFlight(): number {
    return this.open.size;
  }

  async start(): Promise<void> {
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (e) => this.onerror?.(e);
    this.inner.onmessage = (message, extra) => {
      if ('method' in message && 'id' in message) this.open.add(message.id);
      this.onmessage?.(message, extra);
    };
    await this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await this.inner.send(message, options);
    } finally {
      if (
        !('method' in message) &&
        'id' in message &&
        message.id !== undefined &&
        this.open.delete(message.id)
      ) {
        if (this.open.size === 0) this.onIdle();
      }
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
