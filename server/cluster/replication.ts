/**
 * Tasks and templates replicated through the `<stream>-tasks` key-value bucket, so `kapacitor define` (and
 * enable, disable, delete, template changes) against any instance applies on every instance.
 *
 * Each instance keeps its own SQLite store; after every change made through its API it publishes what changed
 * (`task.<id>` / `template.<id>`, JSON, ids base64url-encoded; deletes as KV deletes). A watcher applies the
 * others' changes to the local store and runner: a task enabled elsewhere starts here, disabled stops, deleted
 * is deleted; a task whose template changed is reloaded, as on the instance where it changed. Last write wins.
 * At start the bucket wins over the local store (a task deleted while this instance was down is deleted here);
 * local records the bucket never saw are published (the first instance of a cluster seeds it).
 * A task's `error` (why it failed to start) stays local.
 */
import type { Logger } from 'pino';
import type { KV, KvEntry } from '@nats-io/kv';
import type { TaskService } from '../api/task-service.ts';
import type { TaskRecord, TemplateRecord } from '../store/types.ts';

type Kind = 'task' | 'template';

const keyOf = (kind: Kind, id: string): string => `${kind}.${Buffer.from(id).toString('base64url')}`;
function parseKey(key: string): { kind: Kind; id: string } | undefined {
  const m = /^(task|template)\.([A-Za-z0-9_-]+)$/.exec(key);
  return m ? { kind: m[1] as Kind, id: Buffer.from(m[2]!, 'base64url').toString() } : undefined;
}

interface WireTask extends Omit<TaskRecord, 'created' | 'modified' | 'lastEnabled' | 'error'> {
  created: string; modified: string; lastEnabled: string | null;
}
interface WireTemplate extends Omit<TemplateRecord, 'created' | 'modified'> { created: string; modified: string }

function taskJson(t: TaskRecord): string {
  const w: WireTask = {
    id: t.id, templateId: t.templateId, type: t.type, dbrps: t.dbrps, script: t.script, vars: t.vars, status: t.status,
    created: t.created.toString(), modified: t.modified.toString(), lastEnabled: t.lastEnabled === undefined ? null : t.lastEnabled.toString(),
  };
  return JSON.stringify(w);
}
function taskFrom(json: string, error: string): TaskRecord {
  const w = JSON.parse(json) as WireTask;
  return {
    id: w.id, templateId: w.templateId, type: w.type, dbrps: w.dbrps, script: w.script, vars: w.vars, status: w.status, error,
    created: BigInt(w.created), modified: BigInt(w.modified), lastEnabled: w.lastEnabled === null ? undefined : BigInt(w.lastEnabled),
  };
}
function templateJson(t: TemplateRecord): string {
  const w: WireTemplate = { id: t.id, type: t.type, script: t.script, created: t.created.toString(), modified: t.modified.toString() };
  return JSON.stringify(w);
}
function templateFrom(json: string): TemplateRecord {
  const w = JSON.parse(json) as WireTemplate;
  return { id: w.id, type: w.type, script: w.script, created: BigInt(w.created), modified: BigInt(w.modified) };
}

export class TaskReplicator {
  /** key → JSON as last published or applied: what this instance and the bucket agree on */
  private readonly known = new Map<string, string>();
  private watcher: { stop(): void } | undefined;
  private pushing: Promise<void> = Promise.resolve();
  applied = 0;
  published = 0;

  constructor(private readonly kv: KV, private readonly tasks: TaskService, private readonly logger: Logger) {}

  private get store() { return this.tasks.store; }

  /** Local records as key → JSON. */
  private local(): Map<string, string> {
    const out = new Map<string, string>();
    for (const t of this.store.listTemplates()) out.set(keyOf('template', t.id), templateJson(t));
    for (const t of this.store.listTasks()) out.set(keyOf('task', t.id), taskJson(t));
    return out;
  }

  /** Before the enabled tasks start: bring the local store in line with the bucket, then follow it. */
  async start(): Promise<void> {
    const buffered: KvEntry[] = [];
    let live = false;
    const iter = await this.kv.watch({ include: 'updates' as never });
    this.watcher = iter;
    void (async () => {
      for await (const e of iter) {
        if (!live) buffered.push(e);
        else this.applySafely(e);
      }
    })();
    const local = this.local();
    const remote = new Set<string>();
    for await (const k of await this.kv.keys()) remote.add(k);
    // templates first: tasks may reference them
    const order = [...new Set([...local.keys(), ...remote])].sort((a, b) => (a.startsWith('template.') ? 0 : 1) - (b.startsWith('template.') ? 0 : 1) || (a < b ? -1 : 1));
    for (const key of order) {
      const e = await this.kv.get(key);
      if (e === null) {
        await this.kv.put(key, local.get(key)!); // never seen by the cluster: publish it
        this.known.set(key, local.get(key)!);
        this.published++;
      } else {
        this.apply(e, false);
      }
    }
    live = true;
    for (const e of buffered.splice(0)) this.applySafely(e);
  }

  /** After a change through this instance's API: publish every record that differs from what the bucket holds. */
  publishChanges(): Promise<void> {
    this.pushing = this.pushing.then(async () => {
      const local = this.local();
      for (const [key, json] of local) {
        if (this.known.get(key) === json) continue;
        this.known.set(key, json);
        await this.kv.put(key, json);
        this.published++;
      }
      for (const key of [...this.known.keys()]) {
        if (local.has(key)) continue;
        this.known.delete(key);
        await this.kv.delete(key);
        this.published++;
      }
    }).catch((err: unknown) => {
      this.logger.error({ err }, 'cluster: replicating a task change failed (other instances do not see it until the next change)');
    });
    return this.pushing;
  }

  private applySafely(e: KvEntry): void {
    try {
      this.apply(e, true);
    } catch (err) {
      this.logger.error({ err, key: e.key }, 'cluster: applying a replicated change failed');
    }
  }

  /** Apply one bucket entry to the local store (and, once running, to the runner). */
  private apply(e: KvEntry, running: boolean): void {
    const k = parseKey(e.key);
    if (!k) return;
    if (e.operation !== 'PUT') {
      this.known.delete(e.key);
      if (k.kind === 'task') {
        if (!this.store.getTask(k.id)) return;
        if (running && this.tasks.runner.getTask(k.id)) this.tasks.runner.stopTask(k.id);
        this.store.deleteTask(k.id);
      } else {
        this.store.deleteTemplate(k.id);
      }
      this.applied++;
      return;
    }
    const json = e.string();
    if (this.known.get(e.key) === json) return; // our own change coming back, or already applied
    this.known.set(e.key, json);
    this.applied++;
    if (k.kind === 'template') {
      const rec = templateFrom(json);
      if (this.store.getTemplate(rec.id)) this.store.replaceTemplate(rec.id, rec, []);
      else this.store.createTemplate(rec);
      return;
    }
    const existing = this.store.getTask(k.id);
    const rec = taskFrom(json, existing?.error ?? '');
    if (existing) this.store.replaceTask(k.id, rec);
    else this.store.createTask(rec);
    if (!running) return;
    const isRunning = this.tasks.runner.getTask(rec.id) !== undefined;
    const reload = isRunning && existing !== undefined && rec.templateId !== '' && existing.script !== rec.script;
    if (isRunning && (rec.status === 'disabled' || reload)) this.tasks.runner.stopTask(rec.id);
    if (rec.status === 'enabled' && (!isRunning || reload)) {
      try {
        this.tasks.start(rec);
      } catch {
        // saved in the task's error and logged by TaskService.start
      }
    }
  }

  stop(): void {
    this.watcher?.stop();
  }
}
