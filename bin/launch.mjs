// Shared start-up of bin/kapacitord.mjs, bin/kapacitor.mjs and bin/tickfmt.mjs (not an executable itself).
//
// Runs the compiled JavaScript in dist/ (`npm run build`, run by `npm ci`) when it is current, otherwise the
// TypeScript sources through tsx. "Current" means every file the build compiled (listed with its mtime and size
// in dist/build-info.json, taken before compiling) is still exactly as it was: a developer who edits, adds an
// import, pulls or switches branches runs the sources (slower start, never stale code) until the next build.
//   TICKSTREAM_FROM_SOURCES=1   always run the sources through tsx
//   TICKSTREAM_FROM_DIST=1      always run dist/, without looking at the sources (the Docker image ships dist/ only)
//   TICKSTREAM_LAUNCH_DEBUG=1   say on stderr which one runs and why
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';

const root = new URL('../', import.meta.url);

/** undefined when dist/ matches the sources, else why not (one line). */
export function distStaleReason() {
  let info;
  try {
    info = JSON.parse(readFileSync(new URL('dist/build-info.json', root), 'utf8'));
  } catch (err) {
    return err && err.code === 'ENOENT' ? 'no build in dist/ (npm run build)' : `dist/build-info.json unreadable: ${err.message}`;
  }
  const inputs = info && typeof info.inputs === 'object' && info.inputs !== null ? Object.entries(info.inputs) : [];
  if (inputs.length === 0) return 'dist/build-info.json lists no inputs';
  for (const [path, [mtimeMs, size]] of inputs) {
    const st = statSync(new URL(path, root), { throwIfNoEntry: false });
    if (st === undefined) return `${path} was removed since the build`;
    if (st.mtimeMs !== mtimeMs || st.size !== size) return `${path} changed since the build`;
  }
  return undefined;
}

/** Imports `<entry>.js` from dist/ or `<entry>.ts` through tsx; entry is a path from the repository root without extension. */
export async function launch(name, entry) {
  const debug = process.env.TICKSTREAM_LAUNCH_DEBUG === '1';
  const why = process.env.TICKSTREAM_FROM_SOURCES === '1' ? 'TICKSTREAM_FROM_SOURCES=1'
    : process.env.TICKSTREAM_FROM_DIST === '1' ? undefined : distStaleReason();
  if (why === undefined) {
    if (debug) process.stderr.write(`${name}: running dist/${entry}.js\n`);
    // Node >= 22.1 keeps V8's compiled code of dist/ on disk between runs (a no-op where unavailable; it never
    // throws: an unwritable cache directory only disables it; Node's NODE_DISABLE_COMPILE_CACHE=1 turns it off)
    module.enableCompileCache?.();
    await import(new URL(`dist/${entry}.js`, root).href);
    return;
  }
  if (debug) process.stderr.write(`${name}: running ${entry}.ts through tsx: ${why}\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL(`${entry}.ts`, root).href);
}
