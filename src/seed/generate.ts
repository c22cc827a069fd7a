import { mix, random } from './random.js';
import { CONDITIONS, FIRST_NAMES, GENDERS, LAST_NAMES } from './vocabulary.js';

/** A generated patient (explicit id, so every target gets identical rows). */
export interface SeedPatient {
  readonly id: number;
  readonly first_name: string;
  readonly last_name: string;
  readonly date_of_birth: string;
  readonly gender: string;
  readonly contact_number: string | null;
}

/** A generated medical record. */
export interface SeedRecord {
  readonly id: number;
  readonly patient_id: number;
  readonly diagnosis: string;
  readonly treatment: string | null;
  readonly admission_date: string;
  readonly discharge_date: string | null;
}

const DAY = 86_400_000;
const BIRTH_FROM = Date.UTC(1930, 0, 1);
const BIRTH_TO = Date.UTC(2023, 11, 31);
const CARE_FROM = Date.UTC(2015, 0, 1);
/** Fixed "today" of the sample data, so a seed gives the same rows whenever it runs. */
const CARE_TO = Date.UTC(2026, 9, 31);

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Patient `id` for `seed`: a pure function of both, so batches can be generated in any order or in
 * parallel and every target still gets the same rows.
 */
export function patientAt(seed: number, id: number): SeedPatient {
  const r = random(mix(seed, 1, id));
  const born = BIRTH_FROM + Math.floor(r.next() * ((BIRTH_TO - BIRTH_FROM) / DAY)) * DAY;
  return {
    id,
    first_name: r.pick(FIRST_NAMES),
    last_name: r.pick(LAST_NAMES),
    date_of_birth: iso(born),
    gender: r.pick(GENDERS),
    contact_number: r.chance(0.9)
      ? `555-${String(r.int(100, 999))}-${String(r.int(0, 9999)).padStart(4, '0')}`
      : null,
  };
}

/**
 * The `count` records of patient `patient`, with ids `firstId…`. Admissions fall after birth (and after
 * 2015); 88 % are discharged 0-30 days later (never before admission); the rest are still admitted.
 */
export function recordsOf(seed: number, patient: SeedPatient, firstId: number, count: number): SeedRecord[] {
  const r = random(mix(seed, 2, patient.id));
  const born = Date.parse(`${patient.date_of_birth}T00:00:00Z`);
  const from = Math.max(born, CARE_FROM);
  const out: SeedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const condition = r.pick(CONDITIONS);
    const admitted = from + Math.floor(r.next() * ((CARE_TO - from) / DAY)) * DAY;
    const discharged = r.chance(0.88) ? admitted + r.int(0, 30) * DAY : null;
    out.push({
      id: firstId + i,
      patient_id: patient.id,
      diagnosis: condition.diagnosis,
      treatment: r.chance(0.95) ? r.pick(condition.treatments) : null,
      admission_date: iso(admitted),
      discharge_date: discharged === null ? null : iso(Math.min(discharged, CARE_TO)),
    });
  }
  return out;
}
