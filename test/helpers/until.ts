/** Polls `cond` every `everyMs` until it holds; fails naming `what` after `ms` (asynchronous effects in tests). */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000, everyMs = 25): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Polls `fn` until it returns a value (not undefined) and returns it; a throw counts as "not yet" and the last one
 * is named in the timeout error (services that are still starting answer with errors).
 */
export async function untilValue<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
