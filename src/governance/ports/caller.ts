import type { Actor, ClientInfo } from '../model/audit.js';

/** Who is making a change and through what: recorded on every audit record. */
export interface Caller {
  actor: Actor;
  client: ClientInfo | null;
  /** The MCP tool that carried the change, if any. */
  tool: string | null;
  correlationId: string;
}
