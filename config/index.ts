/** The server configuration: Kapacitor's kapacitor.conf layout, KAPACITOR_* env overrides, typed result. */
export type {
  Config, HttpConfig, LoggingConfig, StorageConfig, ReplayConfig, LoadConfig, StatsConfig,
  KubernetesSectionConfig, InfluxdbSectionConfig, ConfigOverrideConfig, HttpPostSectionConfig, AuthConfig, TlsConfig,
} from './schema.ts';
export type { BasicAuth } from './spec.ts';
export { loadConfig, resolveConfigPath, type LoadConfigOptions } from './load.ts';
export { configToToml } from './print.ts';
export { ConfigError } from './errors.ts';
export { parseBindAddress, type BindAddress } from './bind-address.ts';
export { parseDuration } from '../gocompat/duration.ts';
export { httpPostEndpoints } from './httppost.ts';
export type { UdfConfig, UdfFunctionConfig } from './udf.ts';
