/** What `kapacitor version` prints: `Kapacitor OSS <version> (git: <branch> <commit>)` (SPEC 6.6). */
import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function read(rel: string): string | undefined {
  try {
    return readFileSync(new URL(rel, root), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Branch and commit of the checkout the CLI runs from (read from .git, no subprocess); `unknown` otherwise. */
export function gitInfo(): { branch: string; commit: string } {
  const head = read('.git/HEAD');
  if (!head) return { branch: 'unknown', commit: 'unknown' };
  const m = /^ref: refs\/heads\/(.+)$/.exec(head);
  if (!m) return { branch: 'HEAD', commit: head };
  const branch = m[1]!;
  let commit = read(`.git/refs/heads/${branch}`);
  if (!commit) {
    const packed = read('.git/packed-refs') ?? '';
    commit = packed.split('\n').find((l) => l.endsWith(` refs/heads/${branch}`))?.split(' ')[0];
  }
  return { branch, commit: commit ?? 'unknown' };
}

export function versionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  const { branch, commit } = gitInfo();
  return `Kapacitor OSS ${pkg.version} (git: ${branch} ${commit})`;
}
