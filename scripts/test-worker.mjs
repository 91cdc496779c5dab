// One test worker process of scripts/run-tests.mjs (not run by hand). Workers share a queue directory
// (TICKSTREAM_TEST_QUEUE) holding the ordered list of test files; each worker takes the next file nobody has taken
// (mkdir of a claim directory is atomic, so two workers never take the same file), runs it as one suite named after
// the file, and takes the next when that suite has ended. So a file's tests still run one after another and its
// top-level before/after hooks run around its own tests only, while the cost of starting node, tsx and the product
// modules is paid once per worker instead of once per file, and a slow file does not hold back a fixed batch.
// End-to-end files (they start servers and node processes of their own) also need one of the queue's e2e slots, so
// at most that many run at once. Every finished file's duration and the CPU time this process used meanwhile (ms)
// are appended to times.tsv: the runner orders the next run longest first from it.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const queue = process.env.TICKSTREAM_TEST_QUEUE;
if (!queue) throw new Error('scripts/test-worker.mjs is started by scripts/run-tests.mjs (TICKSTREAM_TEST_QUEUE is not set)');
/** @type {{ root: string, files: { file: string, e2e: boolean }[], e2eSlots: number }} */
const plan = JSON.parse(readFileSync(join(queue, 'plan.json'), 'utf8'));

function take(dir) {
  try {
    mkdirSync(dir);
    return true;
  } catch (err) {
    if (err.code === 'EEXIST') return false;
    throw err;
  }
}

/** the next file nobody has taken (and an e2e slot for an end-to-end file); undefined when all are taken */
async function next() {
  for (;;) {
    let waitingForSlot = false;
    for (let i = 0; i < plan.files.length; i++) {
      const entry = plan.files[i];
      if (existsClaim(i)) continue;
      let slot;
      if (entry.e2e) {
        slot = freeSlot();
        if (slot === undefined) {
          waitingForSlot = true;
          continue;
        }
      }
      if (take(join(queue, `claim-${i}`))) return { ...entry, slot };
      if (slot !== undefined) rmSync(slot, { recursive: true, force: true });
    }
    if (!waitingForSlot) return undefined;
    await sleep(100); // only end-to-end files are left and every slot is busy
  }
}

/** files seen taken: a claim is never given back, so each is looked up on disk until it is seen once */
const claimed = new Set();
function existsClaim(i) {
  if (!claimed.has(i) && existsSync(join(queue, `claim-${i}`))) claimed.add(i);
  return claimed.has(i);
}

/** A free e2e slot, taken: a directory naming its holder's pid, so a slot whose worker died is taken over. */
function freeSlot() {
  for (let s = 0; s < plan.e2eSlots; s++) {
    const dir = join(queue, `e2e-slot-${s}`);
    if (!take(dir) && !takeOver(dir)) continue;
    writeFileSync(join(dir, 'pid'), String(process.pid));
    return dir;
  }
  return undefined;
}

/** Takes a slot whose holder has exited (a worker that crashed never released it); false while the holder lives. */
function takeOver(dir) {
  let pid;
  try {
    pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    return false; // just taken: its holder writes the pid next
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    if (err.code !== 'ESRCH') return false;
  }
  rmSync(dir, { recursive: true, force: true });
  return take(dir);
}

for (let entry = await next(); entry !== undefined; entry = await next()) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  // left behind only if this process dies in the file: the runner then names it
  const running = join(queue, `running-${process.pid}`);
  writeFileSync(running, entry.file);
  try {
    await describe(entry.file, async () => {
      await import(pathToFileURL(join(plan.root, entry.file)).href);
    });
  } finally {
    rmSync(running, { force: true });
    if (entry.slot !== undefined) rmSync(entry.slot, { recursive: true, force: true });
    const used = process.cpuUsage(cpu);
    appendFileSync(join(queue, 'times.tsv'),
      `${Math.round(performance.now() - started)}\t${Math.round((used.user + used.system) / 1000)}\t${entry.file}\n`);
  }
}
