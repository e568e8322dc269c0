// One cold start: load the entry, answer one request, print its status, exit. Run by run.mjs as a
// fresh `node` process per measurement (timed from spawn to exit).
//   node bench/runtime/cold.mjs KIND ENTRY PATH      KIND: v1 | web (see requests.mjs)
import { load, input, rawCall, statusOf } from './requests.mjs';

const [kind, entry, path] = process.argv.slice(2);
const mod = await load(kind, entry);
const res = await rawCall(kind, mod, input(kind, { method: 'GET', path }));
process.stdout.write(`${statusOf(kind, res)}\n`);
