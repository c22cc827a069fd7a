/**
 * Schema sources: wherever a schema is named on the command line (`schema diff FROM TO`, `schema dump
 * --target`, `migrate revision --autogenerate --against`, `migrate check`, `migrate stamp`), it may be a
 * target, `models`, `chain`, or .sql files normalised in a workspace.
 */
export {
  type ChangeVerification,
  dumpSource,
  type LoadedSource,
  loadSource,
  type SourceContext,
  verifyChange,
} from './sources.js';
export { verifiedWhat } from '../diff/verify.js';
