/**
 * Helpers shared by the alerta, bigpanda, servicenow and zenoss kinds: the "service is not enabled" check, handler
 * templates compiled once at definition (a bad template is a 400 naming the option) and rendered per event (a
 * render failure names the option and is not retried: the same event would fail the same way), Go's sorted-key
 * map encoding, byte-wise truncation as Go slices strings, and the basic-auth header Go's SetBasicAuth writes.
 */
import { compareGoStrings } from '../../gocompat/json.ts';
import { goFloat } from '../../gocompat/format.ts';
import { goJson, RawJson } from '../gojson.ts';
import { AlertTemplate, type GoStruct } from '../template.ts';
import { PermanentDeliveryError } from '../delivery.ts';

export function requireEnabled(service: string, on: boolean): void {
  if (!on) throw new Error(`${service}: service is not enabled (set [${service}] enabled = true)`);
}

/** A handler option holding a Go text/template; `option` names it in every error. */
export class OptionTemplate {
  private constructor(readonly option: string, private readonly tpl: AlertTemplate | undefined) {}

  /** Compiles `src` against the field names of the data the service renders with ('' renders ''). */
  static compile(option: string, src: string, fields: ReadonlySet<string>): OptionTemplate {
    if (src === '') return new OptionTemplate(option, undefined);
    try {
      return new OptionTemplate(option, AlertTemplate.compile(option, src, fields, false));
    } catch (e) {
      throw new Error(`invalid ${option} template: ${(e as Error).message}`);
    }
  }

  render(data: GoStruct): string {
    if (!this.tpl) return '';
    try {
      return this.tpl.render(data);
    } catch (e) {
      throw new PermanentDeliveryError(`failed to render ${this.option} template: ${(e as Error).message}`);
    }
  }
}

/** A Go map[string]T as encoding/json writes it: keys sorted bytewise (JS objects would put "1" before "a"). */
export function goMap(m: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>): RawJson {
  const entries = m instanceof Map ? [...m.entries()] : Object.entries(m);
  entries.sort((a, b) => compareGoStrings(a[0], b[0]));
  return new RawJson('{' + entries.map(([k, v]) => goJson(k) + ':' + goJson(v)).join(',') + '}');
}

/** text[:max] on the UTF-8 bytes (Go's cutoff helpers); a rune cut in half becomes U+FFFD when encoded. */
export function cutBytes(text: string, max: number): string {
  const b = Buffer.from(text, 'utf8');
  return b.length <= max ? text : b.subarray(0, max).toString('utf8');
}

/** Authorization header of Go's req.SetBasicAuth. */
export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

/** A TICKscript / JSON option value that is not a string, as Go's fmt %v prints it. */
export function scalarV(v: unknown): string {
  // JSON options decode to float64 in Go (%v: 1e+06), TICKscript ints stay int64 (bigint here)
  if (typeof v === 'number') return goFloat(v);
  return String(v);
}
