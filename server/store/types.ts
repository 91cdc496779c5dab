/** Records kept by the task store (server/store). Times are bigint ns since the Unix epoch. */

export type TaskType = 'stream' | 'batch';
export type TaskStatus = 'enabled' | 'disabled';

export interface DBRPRecord {
  readonly db: string;
  readonly rp: string;
}

/** A task variable as the API carries it: `{type, value, description}` (client/v1 `Var`). */
export interface VarRecord {
  readonly type: string;
  readonly value: unknown;
  readonly description?: string;
}

export type VarsRecord = Readonly<Record<string, VarRecord>>;

export interface TaskRecord {
  readonly id: string;
  readonly templateId: string;
  readonly type: TaskType;
  readonly dbrps: readonly DBRPRecord[];
  readonly script: string;
  readonly vars: VarsRecord;
  readonly status: TaskStatus;
  readonly error: string;
  readonly created: bigint;
  readonly modified: bigint;
  /** undefined = never enabled */
  readonly lastEnabled: bigint | undefined;
}

export interface TemplateRecord {
  readonly id: string;
  readonly type: TaskType;
  readonly script: string;
  readonly created: bigint;
  readonly modified: bigint;
}
