/**
 * @kubernetes/client-node, loaded on first use: a server without an enabled [[kubernetes]] section (the default)
 * never loads it, and one with it pays at the first k8sAutoscale client, not before answering /ping (the library
 * takes about 0.5 s of CPU to load; issue "fast start"). Node 20.19+ loads this ES module through require().
 */
import { createRequire } from 'node:module';

type K8sLib = typeof import('@kubernetes/client-node');
const requireLib = createRequire(import.meta.url);
let lib: K8sLib | undefined;

export function k8sLib(): K8sLib {
  return (lib ??= requireLib('@kubernetes/client-node') as K8sLib);
}
