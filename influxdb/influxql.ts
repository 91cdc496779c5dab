/** Quoting for the InfluxQL statements tickstream sends (CREATE DATABASE, CREATE/DROP SUBSCRIPTION, SHOW …). */

/** An identifier, always double-quoted (influxql.QuoteIdent quotes only when needed; always is equivalent). */
export function quoteIdent(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** A single-quoted string literal (influxql.QuoteString). */
export function quoteString(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
}
