import { defineCodes } from './types.js';

/** Errors of the data services (seed, records, API validation). */
export const dataCodes = defineCodes({
  CAREPOOL_SEED_TARGET_NOT_EMPTY: {
    exit: 1,
    http: 409,
    title: 'The target already holds patients, so seeding would mix sample data with real data.',
    hint: 'Add --reset to empty the tables first (this deletes every patient and record on that target).',
  },
  CAREPOOL_SCHEMA_MISSING: {
    exit: 1,
    http: 503,
    title: 'The tables carepool needs do not exist on the target.',
    hint: 'Create them with: carepool migrate up head --target <name>.',
  },
  CAREPOOL_VALIDATION: {
    exit: 2,
    http: 400,
    title: 'The input failed validation.',
    hint: 'Fix the fields listed in the error and send the request again.',
  },
  CAREPOOL_NOT_FOUND: {
    exit: 1,
    http: 404,
    title: 'The requested row does not exist on that target.',
    hint: 'Check the id and the target; ids differ between targets unless the data was seeded identically.',
  },
  CAREPOOL_IDEMPOTENCY_MISMATCH: {
    exit: 1,
    http: 422,
    title: 'An Idempotency-Key was reused for a different request.',
    hint: 'Use a new key for every distinct write; reuse a key only to retry the very same request.',
  },
  CAREPOOL_IDEMPOTENCY_IN_PROGRESS: {
    exit: 1,
    http: 409,
    title: 'Another request with the same Idempotency-Key is still being processed.',
    hint: "Retry after the Retry-After delay: the retry returns the first request's response.",
  },
  CAREPOOL_IDEMPOTENCY_GONE: {
    exit: 1,
    http: 410,
    title: 'The row an Idempotency-Key created has been deleted since, so there is nothing to replay.',
    hint: 'The original write did happen. To create it again, send the request with a new Idempotency-Key.',
  },
});
