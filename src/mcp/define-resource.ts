import type { DomainEvent } from '../governance/model/events.js';
import type { Deps } from './deps.js';

export type Vars = Record<string, string>;

export interface ResourceDefinition {
  name: string;
  title: string;
  description: string;
  /** RFC 6570 template, e.g. `governance://{owner}/{repo}/tree`. */
  uriTemplate: string;
  /** Concrete resources for resources/list. */
  list?(deps: Deps): Promise<{ uri: string; name: string; title?: string }[]>;
  /** Argument completion per template variable. */
  complete?: Record<string, (deps: Deps, value: string, args: Vars) => Promise<string[]>>;
  read(deps: Deps, vars: Vars): Promise<unknown>;
  /**
   * URIs of this resource that an event changes (for notifications/resources/updated), or a test
   * applied to each subscribed URI when the set cannot be listed (an org config change reaches
   * every repository of the owner).
   */
  affected(event: DomainEvent): string[] | ((uri: string) => boolean);
}

export function defineResource(def: ResourceDefinition): ResourceDefinition {
  return def;
}

/** The single value of a template variable (the SDK may hand arrays for exploded variables). */
export function one(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}
