// Child process for store.test.ts: writes to the store in a tight loop until it is killed with SIGKILL.
// Every iteration is one multi-step change (template + all its tasks, or a rename) that must be all-or-nothing.
import { TaskStore } from '../../server/store/store.ts';
import type { TaskRecord } from '../../server/store/types.ts';

const store = new TaskStore(process.argv[2]!);
const task = (id: string, script: string): TaskRecord => ({
  id, templateId: 'tpl', type: 'stream', dbrps: [{ db: 'd', rp: 'r' }], script, vars: {}, status: 'enabled',
  error: '', created: 1n, modified: 1n, lastEnabled: undefined,
});
store.createTemplate({ id: 'tpl', type: 'stream', script: 'v0', created: 1n, modified: 1n });
for (let i = 0; i < 20; i++) store.createTask(task(`t${i}`, 'v0'));
process.stdout.write('ready\n');
for (let i = 1; ; i++) {
  const tpl = store.getTemplate('tpl')!;
  const tasks = store.tasksOfTemplate('tpl').map((t) => ({ ...t, script: `v${i}`, modified: BigInt(i) }));
  store.replaceTemplate('tpl', { ...tpl, script: `v${i}`, modified: BigInt(i) }, tasks);
  // rename one task each round: t<k> -> t<k>x -> ... (the count of tasks must never change)
  const victim = tasks[i % tasks.length]!;
  store.replaceTask(victim.id, { ...victim, id: victim.id.length > 40 ? victim.id.slice(0, 3) : victim.id + 'x' });
}
