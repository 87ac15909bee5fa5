/**
 * Agent services registered at run time (register_agent_service), merged over the policy's agents.
 * A registration is stored whole; a heartbeat re-stores it with a later lastHeartbeatAt.
 */
/** What a service declares about itself, in the policy or at registration. */
export interface AgentProfile {
  /** `agent:<name>`. */
  id: string;
  capabilities: string[];
  specializations: string[];
  assignmentPriority: number;
  maxConcurrentTasks: number;
  escalateAfterDaysOverdue: number;
  /** GitHub login of the human who takes the service's work when it cannot. */
  fallbackAssignee: string | null;
  /** Unavailable when no heartbeat came within this many minutes; null: never expires. */
  heartbeatTimeoutMinutes: number | null;
}

export interface AgentRegistration extends AgentProfile {
  workspace: string;
  registeredAt: string;
  lastHeartbeatAt: string;
  version: number;
}

export interface AgentRegistryReads {
  /** The workspace's registrations, by id. */
  agentRegistrations(workspace: string): Promise<AgentRegistration[]>;
}

export interface AgentRegistryWrites {
  /** Inserts or replaces the registration of `r.workspace` and `r.id`. */
  putAgentRegistration(r: AgentRegistration): Promise<void>;
}
