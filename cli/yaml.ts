/**
 * YAML for the few commands that read it (task files, topic handler specs), loaded on first use: most CLI calls
 * never read YAML, and loading the library costs about 100 ms of a call's start (issue "fast start").
 */
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
const requireCjs = createRequire(import.meta.url);
let yaml: YamlModule | undefined;

export function parseYaml(text: string): unknown {
  yaml ??= requireCjs('yaml') as YamlModule;
  return yaml.parse(text);
}
