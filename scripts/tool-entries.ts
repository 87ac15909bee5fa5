// Prints the tools/list entries of every tool as JSON; the build inlines them so the bundled server
// answers tools/list without converting zod schemas at start-up. Same function as at run time.
import { toolEntry } from '../src/mcp/tool-schema.js';
import { allTools } from '../src/tools/index.js';

process.stdout.write(JSON.stringify(Object.fromEntries(allTools.map((t) => [t.name, toolEntry(t)]))));
