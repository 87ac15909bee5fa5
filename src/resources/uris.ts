/** Every resource lives under the workspace it belongs to: governance://{owner}/{repo}/... */
export const SCHEME = 'governance';

export const treeUri = (ws: string) => `${SCHEME}://${ws}/tree`;
export const itemUri = (ws: string, id: string) => `${SCHEME}://${ws}/items/${encodeURIComponent(id)}`;
export const auditUri = (ws: string) => `${SCHEME}://${ws}/audit`;
export const configUri = (ws: string) => `${SCHEME}://${ws}/config`;
export const specUri = (ws: string, specId: string) =>
  `${SCHEME}://${ws}/specs/${encodeURIComponent(specId)}`;

export const workspaceOf = (vars: Record<string, string>) => `${vars.owner ?? ''}/${vars.repo ?? ''}`;
export const syncUri = (ws: string) => `${SCHEME}://${ws}/sync`;
export const agentsUri = (ws: string) => `${SCHEME}://${ws}/agents`;
export const complianceUri = (ws: string) => `${SCHEME}://${ws}/compliance`;
export const dashboardUri = (ws: string) => `${SCHEME}://${ws}/dashboard`;
