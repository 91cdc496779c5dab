// Every error about a value that came from a KAPACITOR_* variable names the variable, whether the value fails
// conversion (env.ts) or the semantic checks after loading (validate.ts, httppost.ts). Kapacitor's env overrides
// (SPEC 4.x configuration; server/config.go applyEnvOverrides) set the same keys as the file, so the key is named
// too; a value from the file is reported without a variable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../config/index.ts';
import { tempDir } from './helpers.ts';

const DATA = { KAPACITOR_DATA_DIR: '/tmp/tickstream-test-unused' };

function loadError(env: Record<string, string>, file?: string, argv?: string[]): string {
  try {
    loadConfig({ env: { ...DATA, ...env }, path: file, argv });
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail(`loading ${JSON.stringify(env)} should fail`);
}

describe('env-var value errors name the variable', () => {
  // [variable, value, key label as in the file, what the message says]
  const cases: [string, string, string, RegExp][] = [
    // conversion errors (already named the variable)
    ['KAPACITOR_HTTP_LOG_ENABLED', 'yes', 'http.log-enabled', /expected boolean, got "yes"/],
    ['KAPACITOR_HTTP_SHUTDOWN_TIMEOUT', '10', 'http.shutdown-timeout', /./],
    // semantic errors: Go's net.SplitHostPort says "missing port in address" for "9092"
    ['KAPACITOR_HTTP_BIND_ADDRESS', '9092', 'http.bind-address', /invalid address "9092": missing port in address/],
    ['KAPACITOR_LOGGING_LEVEL', 'LOUD', 'logging.level', /unknown level "LOUD"/],
    ['KAPACITOR_HTTP_MAX_BODY_SIZE', '-1', 'http.max-body-size', /must be >= 0/],
    ['KAPACITOR_HTTP_SHUTDOWN_TIMEOUT', '0s', 'http.shutdown-timeout', /must be > 0/],
    ['KAPACITOR_STATS_STATS_INTERVAL', '0s', 'stats.stats-interval', /must be > 0/],
    ['KAPACITOR_STATS_TIMING_SAMPLE_RATE', '1.5', 'stats.timing-sample-rate', /between 0 and 1/],
    ['KAPACITOR_STATS_TIMING_MOVAVG_SIZE', '0', 'stats.timing-movavg-size', /must be >= 1/],
    // Kapacitor would authenticate everyone as admin here (services/noauth); tickstream refuses
    ['KAPACITOR_HTTP_AUTH_ENABLED', 'true', 'http.auth-enabled', /needs \[auth\] enabled = true/],
    ['KAPACITOR_TLS_MIN_VERSION', 'ssl3', 'tls.min-version', /unknown tls version: "ssl3"/],
  ];
  for (const [name, value, label, what] of cases) {
    it(`${name}=${value}`, () => {
      const msg = loadError({ [name]: value });
      assert.ok(msg.startsWith(`config: ${name}: key "${label}": `), msg);
      assert.match(msg, what);
    });
  }

  it('[[httppost]] keys from indexed variables', () => {
    const base = { KAPACITOR_HTTPPOST_0_ENDPOINT: 'hook', KAPACITOR_HTTPPOST_0_URL: 'http://example.com/' };
    let msg = loadError({ ...base, KAPACITOR_HTTPPOST_0_URL: 'ftp://example.com/' });
    assert.ok(msg.startsWith('config: KAPACITOR_HTTPPOST_0_URL: key "httppost[0].url": invalid URL "ftp://example.com/": scheme'), msg);
    msg = loadError({ ...base, KAPACITOR_HTTPPOST_0_HEADERS_Authenticate: 'x' });
    assert.ok(msg.startsWith('config: KAPACITOR_HTTPPOST_0_HEADERS_Authenticate: key "httppost[0].headers": '), msg);
    msg = loadError({ ...base, KAPACITOR_HTTPPOST_1_URL: 'http://b/', KAPACITOR_HTTPPOST_1_ENDPOINT: 'hook' });
    assert.ok(msg.startsWith('config: KAPACITOR_HTTPPOST_1_ENDPOINT: key "httppost[1].endpoint": endpoint "hook" is already defined by httppost[0]'), msg);
  });

  it('[kubernetes] values from variables (SPEC 4.5 resource values; api-servers are http(s) URLs)', () => {
    let msg = loadError({ KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: 'localhost:8001' });
    assert.ok(msg.startsWith('config: KAPACITOR_KUBERNETES_API_SERVERS: key "kubernetes.api-servers": api-servers[0] "localhost:8001" must be an http:// or https:// URL'), msg);
    msg = loadError({ KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: 'http://a:8001', KAPACITOR_KUBERNETES_RESOURCE: 'pods' });
    assert.ok(msg.startsWith('config: KAPACITOR_KUBERNETES_RESOURCE: key "kubernetes.resource": invalid resource "pods", must be one of node, pod, service or endpoint'), msg);
    // a disabled section is not checked (Kapacitor validates enabled sections only)
    assert.doesNotThrow(() => loadConfig({ env: { ...DATA, KAPACITOR_KUBERNETES_API_SERVERS: 'localhost:8001' } }));
  });

  it('a bad value from the file names no variable; a variable overriding the file is named', (t) => {
    const dir = tempDir('tickstream-config-env-');
    t.after(() => dir.remove());
    const file = dir.file('[http]\n  bind-address = "9092"\n');
    assert.ok(loadError({}, file).startsWith('config: key "http.bind-address": invalid address "9092"'));
    const good = dir.file('[http]\n  bind-address = ":9092"\n');
    assert.ok(loadError({ KAPACITOR_HTTP_BIND_ADDRESS: '9092' }, good).startsWith('config: KAPACITOR_HTTP_BIND_ADDRESS: key "http.bind-address": '));
    // an unrelated variable does not take the blame for the file's value
    assert.ok(loadError({ KAPACITOR_HTTP_LOG_ENABLED: 'true' }, file).startsWith('config: key "http.bind-address": '));
  });

  it('a kapacitord flag that overrides the variable is named instead of it', () => {
    const msg = loadError({ KAPACITOR_LOGGING_LEVEL: 'INFO' }, undefined, ['-log-level', 'LOUD']);
    assert.ok(msg.startsWith('config: flag -log-level: key "logging.level": unknown level "LOUD"'), msg);
  });
});
