/**
 * What every command handler receives. Its own file because the command modules (recordings.ts, topics.ts, …)
 * need the type and commands.ts imports them: declaring it in commands.ts made an import cycle.
 */
import type { Client } from './client.ts';

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export interface Ctx {
  readonly io: Io;
  /** created on first use, so `help` and usage errors need no valid URL */
  client(): Client;
}
