export interface Clock {
  /** Current time as an ISO-8601 string in UTC, millisecond precision. */
  now(): string;
}
