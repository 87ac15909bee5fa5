// Modules the bundled server never runs but would parse at every start. Each is swapped for a
// small stub in the bundle only (tests run the real modules); the e2e suites run the bundle.
//
// - zod's 40+ locale packs: the server speaks English; only `en` is kept.
// - zod v3 and zod-to-json-schema: the SDK loads them to support zod v3 schemas; ours are zod 4.
// - the SDK's Ajv provider: the server uses JSON Schema validation only for elicitation results,
//   which this server never requests.
import path from 'node:path';

const fail = (what) => `throw new Error(${JSON.stringify(`${what} is not included in this build`)});`;

export function stubsPlugin(root) {
  const zodLocales = path.join(root, 'node_modules/zod/v4/locales');
  return {
    name: 'governance-factory-stubs',
    setup(b) {
      b.onResolve({ filter: /^(zod\/v3|zod-to-json-schema)$/ }, (args) => ({
        path: args.path,
        namespace: 'gf-stub',
      }));
      b.onResolve({ filter: /validation\/ajv-provider\.js$/ }, (args) => ({
        path: args.path,
        namespace: 'gf-stub',
      }));
      b.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
        args.resolveDir.includes(`${path.sep}zod${path.sep}`)
          ? { path: 'zod-locales', namespace: 'gf-stub' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'gf-stub' }, (args) => {
        if (args.path === 'zod-locales') {
          return {
            contents: `export { default as en } from ${JSON.stringify(path.join(zodLocales, 'en.js'))};`,
            resolveDir: root,
          };
        }
        if (args.path === 'zod/v3') return { contents: `export function object() { ${fail('zod v3')} }` };
        if (args.path === 'zod-to-json-schema')
          return { contents: `export function zodToJsonSchema() { ${fail('zod-to-json-schema')} }` };
        return {
          contents: `export class AjvJsonSchemaValidator { getValidator() { ${fail('JSON Schema validation (Ajv)')} } }`,
        };
      });
    },
  };
}
