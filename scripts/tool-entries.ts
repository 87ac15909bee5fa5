// Prints the tools/list entries of every tool as JSON; the build inlines them so the bundled server
// answers tools/list without converting zod schemas at start-up. Same function as at run time.
import { toolEntry } from '../src/mcp/tool-schema.js';
import { loadTools } from '../src/mcp/registry.js';
import { toolCatalog } from '../src/tools/catalog.js';

const allTools = await loadTools(toolCatalog);

process.stdout.write(JSON.stringify(Object.fromEntries(allTools.map((t) => [t.name, toolEntry(t)]))));
