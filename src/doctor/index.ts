/**
 * The connection doctor: for each target, every check from DNS to migration state, with a cause and a fix
 * for each problem. The CLI (`carepool doctor`) and the web doctor page call {@link diagnoseTargets}.
 */
export { compareTargets } from './across.js';
export { type DoctorOptions, diagnoseTarget, diagnoseTargets } from './diagnose.js';
export { explainConnectError, urlVariable } from './explain.js';
export { DDL_PRIVILEGES, DML_PRIVILEGES, privilegesOn } from './grants.js';
export { migrationStateFromFiles } from './migration-state.js';
export { type Lookup, systemLookup } from './probe-network.js';
export type { MigrationStateReader } from './session-checks.js';
export { evaluateSettings, type ServerFacts, type SettingsContext } from './settings.js';
export {
  CHECKS,
  type CheckName,
  type DoctorReport,
  type Finding,
  type FindingData,
  type FindingStatus,
  type MigrationState,
  type OverallStatus,
  type TargetDiagnosis,
  worstStatus,
} from './types.js';
export { type Greeting, parseGreeting } from './wire.js';
