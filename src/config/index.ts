export { type ConnectionSpec, parseConnectionUrl } from './connection-url.js';
export { type Env, type LoadConfigOptions, loadConfig } from './load.js';
export {
  type CarepoolConfig,
  type HttpConfig,
  POOL_SETTINGS,
  type PoolSettings,
  TARGET_NAME,
  type TargetConfig,
} from './schema.js';
export { redact, redactUrl, Secret } from './secret.js';
export { isSslMode, SSL_MODES, type SslMode } from './ssl-mode.js';
export { DEFAULT_READ_MAX_LAG_MS, type ReplicaConfig, readReplicaConfig } from './replicas.js';
