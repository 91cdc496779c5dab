/**
 * `[udf]` configuration (Kapacitor's services/udf/config.go): `[udf.functions.NAME]` with prog/args/env/timeout
 * or socket; Kapacitor's validation messages with the key named; `kapacitord config` output loads back the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configToToml, loadConfig } from '../../config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickstream-udf-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string): string => { const p = join(dir, `c${n++}.conf`); writeFileSync(p, text); return p; };
const load = (text: string, env: Record<string, string> = {}, warn?: (m: string) => void) =>
  loadConfig({ env: { KAPACITOR_DATA_DIR: dir, ...env }, path: file(text), ...(warn ? { warn } : {}) });

describe('[udf] configuration', () => {
  it('parses process and socket functions (names are case-sensitive)', () => {
    const c = load(`
[udf]
[udf.functions]
  [udf.functions.movingAvg]
    prog = "/usr/bin/python3"
    args = ["-u", "/opt/udf/moving_avg.py"]
    timeout = "10s"
    [udf.functions.movingAvg.env]
      PYTHONPATH = "/opt/udf/py"
  [udf.functions.sock]
    socket = "/run/udf.sock"
    timeout = "1m"
`);
    assert.deepEqual(c.udf.functions, {
      movingAvg: { prog: '/usr/bin/python3', args: ['-u', '/opt/udf/moving_avg.py'], env: { PYTHONPATH: '/opt/udf/py' }, timeout: 10_000_000_000n, socket: '' },
      sock: { prog: '', args: [], env: {}, timeout: 60_000_000_000n, socket: '/run/udf.sock' },
    });
    const again = loadConfig({ env: { KAPACITOR_DATA_DIR: dir }, path: file(configToToml(c)) });
    assert.deepEqual(again.udf, c.udf);
  });

  it('an empty [udf] (the packaged file) means no functions and is not reported as unused', () => {
    const notices: string[] = [];
    const c = loadConfig({ env: { KAPACITOR_DATA_DIR: dir }, path: file('[udf]\n[udf.functions]\n'), notice: (m) => notices.push(m) });
    assert.deepEqual(c.udf.functions, {});
    assert.deepEqual(notices, []);
    assert.ok(!configToToml(c).includes('[udf'));
  });

  it("rejects what Kapacitor's Validate rejects, naming the function and key", () => {
    const bad = (text: string, message: string): void => { assert.throws(() => load(text), { message }); };
    bad('[udf.functions.a]\nprog = "/bin/a"\n', 'config: key "udf.functions.a.timeout": UDF a: timeout is too small: 0s');
    bad('[udf.functions.a]\nprog = "/bin/a"\ntimeout = "1ms"\n', 'config: key "udf.functions.a.timeout": UDF a: timeout is too small: 1ms');
    bad('[udf.functions.a]\ntimeout = "1s"\n', 'config: key "udf.functions.a.prog": UDF a: must set either prog or socket');
    bad('[udf.functions.a]\ntimeout = "1s"\nsocket = "/s"\nprog = "/p"\n', 'config: key "udf.functions.a.socket": UDF a: both socket and process config provided');
    bad('[udf.functions.a]\ntimeout = "1s"\nsocket = "/s"\nenv = { X = "1" }\n', 'config: key "udf.functions.a.socket": UDF a: both socket and process config provided');
    bad('[udf.functions.a]\ntimeout = "1s"\nproc = "/p"\n', 'config: unknown key "udf.functions.a.proc" (did you mean "prog"?)');
    bad('[udf.functions.a]\ntimeout = 10\nprog = "/p"\n', 'config: key "udf.functions.a.timeout": expected duration string, got integer');
    bad('[udf.functions.a]\ntimeout = "1s"\nprog = "/p"\nargs = "-u"\n', 'config: key "udf.functions.a.args": expected array of strings, got string');
    bad('[udf]\nfunction = 1\n', 'config: unknown key "udf.function" (did you mean "functions"?)');
    bad('[udf]\nfunctions = 1\n', 'config: key "udf.functions": expected table, got integer');
  });

  it('KAPACITOR_UDF_* variables are ignored with a warning (they do not work in Kapacitor either)', () => {
    const warnings: string[] = [];
    const c = load('', { KAPACITOR_UDF_FUNCTIONS_AVG_PROG: '/bin/avg' }, (m) => warnings.push(m));
    assert.deepEqual(c.udf.functions, {});
    assert.deepEqual(warnings, ['KAPACITOR_UDF_FUNCTIONS_AVG_PROG: ignored; [udf.functions.NAME] can only be set in the configuration file '
      + '(UDF names are case-sensitive; Kapacitor ignores these variables too)']);
  });
});
