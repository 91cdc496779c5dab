/**
 * Loads the kubeconfig file list ($KUBECONFIG or ~/.kube/config) into one KubeConfig with
 * KubeConfig.loadFromDefault's merge (files in order, a later current-context replaces an earlier one), except
 * that an empty file contributes nothing, as with kubectl (client-go's loader returns an empty config for it). The library's own loadFromString dereferences the parsed document
 * without checking it, so an empty file (`KUBECONFIG=/dev/null`) surfaced as "Cannot read properties of undefined
 * (reading 'clusters')"; here every file is checked first and each failure names the file.
 */
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { k8sLib } from './k8s-lib.ts';
import { parse } from 'yaml';

export function loadKubeconfigFiles(files: readonly string[]): KubeConfig {
  const merged = new (k8sLib().KubeConfig)();
  merged.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  for (const f of files) {
    const kc = loadOne(f);
    if (kc) merged.mergeConfig(kc);
  }
  const names = files.join(', ');
  if (merged.clusters.length === 0 && merged.contexts.length === 0 && merged.currentContext === '') {
    throw new Error(`kubeconfig ${names} holds no usable config (no clusters, contexts or current-context)`);
  }
  return merged;
}

/** One file's config, or undefined when the file is empty (whitespace/comments only). */
function loadOne(file: string): KubeConfig | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`kubeconfig ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`kubeconfig ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`kubeconfig ${file} is not a kubeconfig: the document is ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}, not a mapping with clusters, users and contexts`);
  }
  const kc = new (k8sLib().KubeConfig)();
  try {
    // loadFromFile (not loadFromString) so relative certificate/key paths resolve against the file's directory
    kc.loadFromFile(file);
  } catch (err) {
    throw new Error(`kubeconfig ${file} cannot be loaded: ${(err as Error).message}`);
  }
  return kc;
}
