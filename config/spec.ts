/**
 * How the configuration schema describes a key and a section (config/schema.ts lists them). Separate from the
 * schema itself because config/alert-sections.ts builds section specs that schema.ts includes: with the types in
 * schema.ts the two files would import each other.
 */
/**
 * `strings` = array of strings; `string-map` = table of strings (`headers = { X = "y" }`); `dbrp-map` = table of
 * string arrays (`[influxdb.subscriptions] db = ["autogen"]`); `basic-auth` = `{ username = "", password = "" }`.
 * The three table types can only be set in the file (Kapacitor's env overrides cannot address map entries either).
 */
export type KeyType = 'string' | 'bool' | 'int' | 'float' | 'duration' | 'strings' | 'string-map' | 'dbrp-map' | 'basic-auth';

/** Key types whose values are TOML tables. */
export const TABLE_TYPES: ReadonlySet<KeyType> = new Set(['string-map', 'dbrp-map', 'basic-auth']);

export interface BasicAuth { username: string; password: string }

export interface KeySpec {
  /** name in the TOML file (`bind-address`) */
  readonly toml: string;
  /** property in the typed Config (`bindAddress`) */
  readonly prop: string;
  readonly type: KeyType;
  /** default value, or a function of the effective data_dir for paths that live under it */
  readonly def: unknown;
  readonly derive?: (dataDir: string) => unknown;
}

export interface SectionSpec {
  readonly toml: string;
  readonly prop: string;
  /** `table` = [x]; `array` = [[x]]; `table-or-array` = either form (Kapacitor's [kubernetes]) */
  readonly kind: 'table' | 'array' | 'table-or-array';
  readonly keys: readonly KeySpec[];
}
