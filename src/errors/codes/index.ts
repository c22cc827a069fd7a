import { adoptCodes } from './adopt.js';
import { authCodes } from './auth.js';
import { cliCodes } from './cli.js';
import { configCodes } from './config.js';
import { dataCodes } from './data.js';
import { dbCodes } from './db.js';
import { doctorCodes } from './doctor.js';
import { drizzleCodes } from './drizzle.js';
import { erdCodes } from './erd.js';
import { loadCodes } from './load.js';
import { migrateCodes } from './migrate.js';
import { moveCodes } from './move.js';
import { replicaCodes } from './replicas.js';
import { sandboxCodes } from './sandbox.js';
import { schemaModelCodes } from './schema-model.js';
import { serveCodes } from './serve.js';
import type { CodeSpec } from './types.js';
import { webCodes } from './web.js';

export type { CodeSpec } from './types.js';
export { defineCodes } from './types.js';

/**
 * THE registry of every error code carepool can raise. Codes are API: never rename or reuse one.
 * Each area keeps its own table in this folder; docs/errors.md is generated from this object
 * (`npm run docs:errors`) and a test keeps the two in sync.
 */
export const CODES = {
  ...configCodes,
  ...authCodes,
  ...dbCodes,
  ...sandboxCodes,
  ...dataCodes,
  ...migrateCodes,
  ...adoptCodes,
  ...schemaModelCodes,
  ...drizzleCodes,
  ...webCodes,
  ...serveCodes,
  ...erdCodes,
  ...doctorCodes,
  ...loadCodes,
  ...moveCodes,
  ...replicaCodes,
  ...cliCodes,
} as const satisfies Record<string, CodeSpec>;

/** Every stable error code. */
export type ErrorCode = keyof typeof CODES;
