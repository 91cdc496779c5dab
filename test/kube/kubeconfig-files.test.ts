// kubeconfig fallback (kube/config.ts: $KUBECONFIG or ~/.kube/config, beyond Kapacitor SPEC 4.5): a file that
// holds no config must fail with an error naming the file, in the style of the other client-creation errors
// ("<what> <path> cannot be read: ENOENT"), behind SPEC 4.5's "could not create kubernetes client: " prefix.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesClients, defaultKubernetesSection } from '../../kube/index.ts';
import { loadKubeconfigFiles } from '../../kube/kubeconfig-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickstream-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const PREFIX = 'cannot use the k8sAutoscale node, could not create kubernetes client: ';
const NO_CONFIG = 'holds no usable config (no clusters, contexts or current-context)';
const USABLE = [
  'apiVersion: v1', 'kind: Config', 'current-context: t',
  'clusters:', '- name: c', '  cluster:', '    server: http://127.0.0.1:1',
  'users:', '- name: u', '  user:', '    token: x',
  'contexts:', '- name: t', '  context:', '    cluster: c', '    user: u', '',
].join('\n');

function clientError(kubeconfig: string): () => unknown {
  const r = new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true }], { env: { KUBECONFIG: kubeconfig } });
  return () => r.get('');
}

describe('kubeconfig files that hold no config', () => {
  it('KUBECONFIG=/dev/null: names the file and says it holds no usable config', () => {
    assert.throws(clientError('/dev/null'), { message: `${PREFIX}kubeconfig /dev/null ${NO_CONFIG}` });
  });

  it('whitespace/comments only, or a mapping without clusters/contexts/current-context', () => {
    const blank = file('blank.yaml', '\n  \n# nothing here\n');
    assert.throws(clientError(blank), { message: `${PREFIX}kubeconfig ${blank} ${NO_CONFIG}` });
    const bare = file('bare.yaml', 'apiVersion: v1\nkind: Config\n');
    assert.throws(() => loadKubeconfigFiles([bare]), { message: `kubeconfig ${bare} ${NO_CONFIG}` });
  });

  it('not a mapping, or not YAML: the file and what is wrong', () => {
    const list = file('list.yaml', '- a\n- b\n');
    assert.throws(() => loadKubeconfigFiles([list]), { message: `kubeconfig ${list} is not a kubeconfig: the document is a list, not a mapping with clusters, users and contexts` });
    const broken = file('broken.yaml', 'clusters: [\n');
    assert.throws(() => loadKubeconfigFiles([broken]), (err: Error) => err.message.startsWith(`kubeconfig ${broken} is not valid YAML: `));
  });

  it('a missing file is named with its errno', () => {
    assert.throws(() => loadKubeconfigFiles([join(dir, 'absent')]), { message: `kubeconfig ${join(dir, 'absent')} cannot be read: ENOENT` });
  });

  it('an empty file in a KUBECONFIG list is skipped (as kubectl does); all empty names every file', () => {
    const good = file('good.yaml', USABLE);
    const kc = loadKubeconfigFiles(['/dev/null', good]);
    assert.equal(kc.getCurrentCluster()?.server, 'http://127.0.0.1:1');
    const blank = file('blank2.yaml', '');
    assert.throws(() => loadKubeconfigFiles(['/dev/null', blank]), { message: `kubeconfig /dev/null, ${blank} ${NO_CONFIG}` });
    // and the client is created from the usable one
    assert.ok((new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true }], { env: { KUBECONFIG: `/dev/null:${good}` } })).get(''));
  });
});
