/** The real clock (implements the core's Clock port structurally). */
export const systemClock = { now: (): string => new Date().toISOString() };
