/**
 * Sections of Kapacitor 1.8's kapacitor.conf (server/config.go) that tickstream accepts without implementing them,
 * so a user's packaged configuration loads unchanged. Their keys are not checked (tickstream would have nothing to
 * check them against); loadConfig reports each one present through `notice`, once:
 * `section [hipchat] is accepted but not used by tickstream`. A TICKscript that needs one of these services (an alert
 * `.hipChat()`) still fails when its task starts, so nothing silently does less than the script asks.
 * Anything else outside schema.ts stays an unknown-key startup error.
 */
export const ACCEPTED_UNUSED_SECTIONS: ReadonlySet<string> = new Set([
  // core services tickstream does not have (tasks persist in the SQLite store)
  'task', 'reporting', 'deadman', 'fluxtask',
  // alert handlers
  'hipchat', 'opsgenie', 'pagerduty',
  'talk',
  // service discovery and scraping
  'azure', 'consul', 'dns', 'file-discovery', 'gce', 'marathon', 'nerve', 'scraper', 'serverset',
  'static-discovery', 'triton',
  // other inputs (tickstream ingests through HTTP /write only)
  'collectd', 'graphite', 'opentsdb', 'udp',
  // the packaged file's [[static-discovery]] example puts its labels under `[static.labels]`, a top-level [static]
  // table that Kapacitor itself ignores (it does not reject undecoded keys)
  'static',
]);

/**
 * Sections schema.ts parses and checks but that change nothing: tickstream has no config-override API.
 * Reported like the sections above.
 */
export const PARSED_UNUSED_SECTIONS: ReadonlySet<string> = new Set(['config-override']);

export function acceptedUnusedMessage(section: string): string {
  return `section [${section}] is accepted but not used by tickstream`;
}
