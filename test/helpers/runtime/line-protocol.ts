/**
 * Line protocol for tests and benchmarks: a string-in, throw-on-error front for the server's own parser
 * (lineprotocol/parser.ts), so tests feed the runtime exactly the points `/write` would (same rules,
 * e.g. an empty tag value is `missing tag value`, SPEC Appendix C; points of one series share one tags object).
 */
import type { Point } from '../../../model/point.ts';
import { LineProtocolParser } from '../../../lineprotocol/parser.ts';

export class LineParser {
  private readonly parser = new LineProtocolParser();

  /**
   * Parse newline-separated lines; `now` stamps lines without a timestamp (truncated to `precision`, as the
   * server does). Throws on an invalid precision or on the first bad line (`unable to parse '<line>': <reason>`).
   */
  parse(text: string, db: string, rp: string, precision = '', now = 0n): Point[] {
    const { points, errors } = this.parser.parse(Buffer.from(text, 'utf8'), { db, rp, precision, now });
    if (errors.length > 0) throw new Error(errors[0]);
    return points;
  }
}
