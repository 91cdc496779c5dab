/**
 * The server's lifecycle: starting → ready → closing. `/readyz` reads it; shutdown flips it to closing first
 * (so load balancers stop sending traffic) and then runs the close hooks other parts registered (the task store
 * closes its database here). Hooks run last-registered-first, each awaited; one failing hook is logged and the
 * others still run.
 */
import type { Logger } from 'pino';

export type LifecycleState = 'starting' | 'ready' | 'closing' | 'closed';
export type CloseHook = () => void | Promise<void>;

export class Lifecycle {
  private current: LifecycleState = 'starting';
  private readonly hooks: { name: string; fn: CloseHook }[] = [];

  get state(): LifecycleState {
    return this.current;
  }

  get isReady(): boolean {
    return this.current === 'ready';
  }

  markReady(): void {
    if (this.current === 'starting') this.current = 'ready';
  }

  /** Register something to close at shutdown; `name` appears in the log if it fails. */
  onClose(fn: CloseHook, name = fn.name || 'close hook'): void {
    this.hooks.push({ name, fn });
  }

  /** Flip to closing (readyz → 503). Idempotent. */
  beginClose(): void {
    if (this.current !== 'closed') this.current = 'closing';
  }

  /** Run every close hook once, newest first. */
  async runCloseHooks(logger?: Logger): Promise<void> {
    this.beginClose();
    while (this.hooks.length > 0) {
      const hook = this.hooks.pop()!;
      try {
        await hook.fn();
      } catch (err) {
        logger?.error({ err, hook: hook.name }, 'close hook failed');
      }
    }
    this.current = 'closed';
  }
}
