/**
 * Schema sources: wherever a schema is named on the command line (`schema diff FROM TO`, `schema dump
 * --target`, `migrate revision --autogenerate --against`, `migrate check`, `migrate stamp`), it may be a
 * target, `models`, `chain`, or .sql files normalised in a workspace.
 */
export { dumpSource, type LoadedSource, loadSource, type SourceContext, workspaceHosts } from './sources.js';
export {
  type ChangeVerification,
  startVerification,
  type VerificationStart,
  verifyChange,
} from './verify-change.js';
export { type Comparison, compareSources } from './compare.js';
export { verifiedWhat } from '../diff/verify.js';
