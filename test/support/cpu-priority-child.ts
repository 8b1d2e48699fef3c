import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { lowerCpuPriority } from '../../lib/cpu-priority';

// Run by test/unit/cpu-priority.test.ts: a thread started before the call and one after, then every thread's nice value.
const idle = 'setInterval(() => {}, 1000)';
const before = new Worker(idle, { eval: true });
await new Promise((resolve) => before.once('online', resolve));
const main = lowerCpuPriority(Number(process.argv[2]));
const after = new Worker(idle, { eval: true });
await new Promise((resolve) => after.once('online', resolve));
const nice = fs.readdirSync('/proc/self/task').map((tid) => {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19 of stat(5): nice
});
console.log(JSON.stringify({ main, nice }));
process.exit(0);
