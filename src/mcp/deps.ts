import type { Actor } from '../governance/model/audit.js';
import type { CoreDeps } from '../governance/ports/core-deps.js';
import type { IssueTracker } from '../governance/ports/issue-tracker.js';
import type { ModelPort } from '../governance/ports/model.js';
import type { PolicySources } from '../governance/ports/policy-source.js';
import type { AuditSigner } from '../governance/ports/signer.js';
import type { ConfigService } from '../governance/use-cases/config-service.js';
import type { JobRunnerInfo } from '../governance/use-cases/github-apply-job.js';
import type { ResultCache } from '../governance/use-cases/result-cache.js';

/** Minimal structured logger (pino-compatible); always writes to stderr. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Everything a handler may use. Built once (createDeps); never constructed inside handlers. */
export interface Deps extends CoreDeps {
  logger: Logger;
  /** Identity recorded for changes made through this server, unless a transport supplies one. */
  actor: Actor;
  serverInfo: { name: string; version: string };
  /** Effective configuration per workspace (cached), versioned updates and history. */
  config: ConfigService;
  /** Computed reads (analytics, compliance reports, the dashboard), dropped by the events that change them. */
  cache: ResultCache;
  /** The OpenAI-compatible provider the configuration names; absent, no spec leaves the server that way. */
  provider?: ModelPort;
  /** Signs audit checkpoints and exports with a key kept outside the store; absent, nothing is signed. */
  auditSigner?: AuditSigner;
  /** The GitHub repositories a workspace syncs to; absent when no GitHub access is configured. */
  github?: IssueTracker;
  /** This process's job runner: the lease owner name its jobs run under, and the lease length. */
  runner: JobRunnerInfo;
  /** Where validate_policy may read `.github/governance.yml`: each present only when configured. */
  policySources?: PolicySources;
}

/** Deps together with what closes them: the transports call `close` on shutdown. */
export interface ClosableDeps extends Deps {
  /** Closes, once, what was built for these deps (not what was passed in to replace it). */
  close(): Promise<void>;
}
