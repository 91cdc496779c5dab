/**
 * [http] max-line-size: the longest line-protocol line a write may carry. Checked on the whole (inflated) body
 * before parsing, so a request with one overlong line is refused whole and nothing is routed (/write is
 * all-or-nothing). Scanning for newlines is a memchr per line (Buffer.indexOf), far cheaper than the parse.
 */

/** The first line longer than `max` bytes (1-based number and length), or undefined. `max` 0 = no limit. */
export function overlongLine(body: Buffer, max: number): { line: number; bytes: number } | undefined {
  if (max <= 0 || body.length <= max) return undefined;
  let start = 0;
  let line = 1;
  while (start <= body.length) {
    let end = body.indexOf(10, start);
    if (end < 0) end = body.length;
    // a CRLF line ending is not part of the line
    const bytes = (end > start && body[end - 1] === 13 ? end - 1 : end) - start;
    if (bytes > max) return { line, bytes };
    start = end + 1;
    line++;
  }
  return undefined;
}

export function overlongLineMessage(o: { line: number; bytes: number }, max: number): string {
  return `unable to parse line ${o.line}: line is ${o.bytes} bytes, longer than [http] max-line-size (${max} bytes); nothing was written`;
}
