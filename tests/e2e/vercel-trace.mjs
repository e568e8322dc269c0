// The files Vercel ships with a Node.js function: @vercel/nft's trace from the entry, as
// @vercel/node runs it (base = the project), one project-relative path a line, sorted.
//
//   NFT_DIR=<node_modules/@vercel/nft> node tests/e2e/vercel-trace.mjs PROJECT ENTRY
//
// Any trace warning (a module it could not resolve) fails: a shipped function would miss it.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { nodeFileTrace } = require(process.env.NFT_DIR);
const [project, entry] = process.argv.slice(2);
const base = path.resolve(project);
const { fileList, warnings } = await nodeFileTrace([path.join(base, entry)], { base, processCwd: base });
if (warnings.size > 0) {
  for (const w of warnings) console.error(`trace warning: ${w.message}`);
  process.exit(1);
}
process.stdout.write([...fileList].sort().map((f) => `${f}\n`).join(''));
