import * as z from 'zod';
import { checkpointAudit, requireSigner } from '../../governance/use-cases/checkpoint-audit.js';
import { defineTool } from '../../mcp/define-tool.js';
import * as s from '../schemas.js';

export const checkpointOut = z.object({
  seq: z.number(),
  headSeq: z.number(),
  headHash: z.string(),
  records: z.number(),
  at: z.string(),
  prevDigest: z.string(),
  keyId: z.string(),
  digest: z.string(),
  signature: z.string(),
});

export const checkpointAuditTool = defineTool({
  name: 'checkpoint_audit',
  title: 'Checkpoint audit trail',
  description:
    "Sign the workspace's current audit head, chained to the previous checkpoint. Refuses a chain that no longer continues it.",
  toolset: 'audit',
  effect: 'write',
  idempotent: true,
  input: z.object({ workspace: s.workspace }),
  output: z.object({ created: z.boolean(), checkpoint: checkpointOut.nullable() }),
  async handler({ workspace }, { deps }) {
    const { checkpoint, created } = await checkpointAudit(deps, requireSigner(deps.auditSigner), workspace);
    return {
      data: { created, checkpoint: checkpoint && stripWorkspace(checkpoint) },
      summary: !checkpoint
        ? 'Nothing to checkpoint: the audit trail is empty'
        : `${created ? 'Signed checkpoint' : 'Head unchanged since checkpoint'} ${checkpoint.seq} at record ${checkpoint.headSeq}`,
    };
  },
});

const stripWorkspace = <T extends { workspace: string }>({ workspace: _w, ...rest }: T) => rest;
