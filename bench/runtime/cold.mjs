// One cold start: load the entry, answer one request, print its status, the CPU time this process
// has used (user + system, µs, Node's bootstrap included) and when the answer was ready (epoch ms,
// fractional: the clock run.mjs reads before spawning), exit. Run by run.mjs as a fresh `node`
// process per measurement (timed from spawn to the answer, and to exit).
//   node bench/runtime/cold.mjs KIND ENTRY PATH      KIND: v1 | web (see requests.mjs)
import { load, input, rawCall, statusOf } from './requests.mjs';

const [kind, entry, path] = process.argv.slice(2);
const mod = await load(kind, entry);
const res = await rawCall(kind, mod, input(kind, { method: 'GET', path }));
const answered = performance.timeOrigin + performance.now();
const cpu = process.cpuUsage();
process.stdout.write(`${statusOf(kind, res)} ${cpu.user + cpu.system} ${answered.toFixed(3)}\n`);
