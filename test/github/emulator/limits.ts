/**
 * GitHub's rate limits. Primary: a budget per resource (core 5000 an hour, search 30 a minute,
 * graphql 5000 points an hour). Secondary: at most 80 content-creating requests a minute, 500 an hour
 * and 100 requests in flight. `timeScale` shrinks time: at 60 a minute lasts one second, so tests
 * reach the windows' ends quickly.
 */
export interface RateLimit {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export type Resource = 'core' | 'search' | 'graphql';

export interface LimitOptions {
  timeScale?: number;
  contentPerMinute?: number;
  contentPerHour?: number;
  concurrent?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const WINDOWS: Record<Resource, { limit: number; period: number }> = {
  core: { limit: 5000, period: HOUR },
  search: { limit: 30, period: MINUTE },
  graphql: { limit: 5000, period: HOUR },
};

export const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
export const SECONDARY_DOCS =
  'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

export class Limits {
  readonly timeScale: number;
  readonly buckets: Record<Resource, RateLimit>;
  inFlight = 0;
  /** Content-creating request times per user (GitHub counts the secondary limits per user or app). */
  private readonly createsBy = new Map<string, number[]>();
  private readonly perMinute: number;
  private readonly perHour: number;
  private readonly concurrent: number;

  constructor(opts: LimitOptions = {}) {
    this.timeScale = opts.timeScale ?? 1;
    this.perMinute = opts.contentPerMinute ?? 80;
    this.perHour = opts.contentPerHour ?? 500;
    this.concurrent = opts.concurrent ?? 100;
    this.buckets = { core: this.full('core'), search: this.full('search'), graphql: this.full('graphql') };
  }

  /** A period in real milliseconds. */
  private scaled(ms: number): number {
    return ms / this.timeScale;
  }

  full(resource: Resource): RateLimit {
    const w = WINDOWS[resource];
    return {
      limit: w.limit,
      remaining: w.limit,
      reset: Math.ceil((Date.now() + this.scaled(w.period)) / 1000),
    };
  }

  /** Takes `cost` from the resource's budget; false when it is spent (the caller answers 403). */
  spend(resource: Resource, cost = 1): boolean {
    let b = this.buckets[resource];
    if (Date.now() >= b.reset * 1000) b = this.buckets[resource] = this.full(resource);
    if (b.remaining < cost) return false;
    b.remaining -= cost;
    return true;
  }

  headers(resource: Resource): Record<string, string> {
    const b = this.buckets[resource];
    const remaining = Math.max(0, b.remaining);
    return {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(b.reset),
      'x-ratelimit-used': String(b.limit - remaining),
      'x-ratelimit-resource': resource,
    };
  }

  /**
   * Admits a request that creates `creates` pieces of content (a GraphQL document counts each of its
   * mutations) for user `who`, or returns how many seconds to wait: GitHub's `retry-after`.
   */
  admit(creates: number, who = ''): number | undefined {
    const now = Date.now();
    if (this.inFlight > this.concurrent) return Math.ceil(this.scaled(MINUTE) / 1000);
    if (creates === 0) return undefined;
    let mine = this.createsBy.get(who);
    if (!mine) this.createsBy.set(who, (mine = []));
    const times = mine;
    const hourAgo = now - this.scaled(HOUR);
    while (times.length && times[0]! <= hourAgo) times.shift();
    const minuteAgo = now - this.scaled(MINUTE);
    const lastMinute = times.filter((t) => t > minuteAgo);
    const wait = (times: number[], limit: number, period: number): number | undefined => {
      if (times.length + creates <= limit) return undefined;
      // The slot that must expire for this request to fit.
      const freeing = times[Math.min(times.length - 1, times.length + creates - limit - 1)] ?? now;
      return Math.max(1, Math.ceil((freeing + this.scaled(period) - now) / 1000));
    };
    const retry = wait(lastMinute, this.perMinute, MINUTE) ?? wait(times, this.perHour, HOUR);
    if (retry === undefined) for (let i = 0; i < creates; i++) times.push(now);
    return retry;
  }

  reset(): void {
    this.createsBy.clear();
    for (const r of Object.keys(this.buckets) as Resource[]) this.buckets[r] = this.full(r);
  }
}
