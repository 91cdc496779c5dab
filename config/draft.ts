/**
 * Mutable view used while building: props → values; `explicit` records which keys were set by anyone, `origins`
 * which of them were last set outside the file (`KAPACITOR_HTTP_BIND_ADDRESS`, `flag -log-level`), so a value
 * rejected later by validation is reported with the variable or flag it came from. Both use the same paths
 * (`http.bindAddress`, `httppost.0.url`).
 */
export interface Draft {
  values: Record<string, unknown>;
  explicit: Set<string>;
  origins: Map<string, string>;
}
