// Prompts (decompose a spec, review a plan, status report...) arrive with the governance engine;
// the server advertises no prompts capability until then.
export {};
