import { mix, random } from './random.js';
import { APPOINTMENT_REASONS, CONDITIONS, FIRST_NAMES_BY_GENDER, GENDERS, LAST_NAMES } from './vocabulary.js';

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

/**
 * `YYYY-MM-DD` of a UTC midnight, as `new Date(ms).toISOString().slice(0, 10)` gives it but ~10x faster
 * (it was the largest cost of seeding, docs/benchmarks.md): Hinnant's days-to-civil algorithm,
 * https://howardhinnant.github.io/date_algorithms.html#civil_from_days, for years 1000-9999. A test checks
 * every day 1900-2100.
 */
export function isoDate(ms: number): string {
  const z = Math.floor(ms / DAY) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/**
 * Patient `id` for `seed`: a pure function of both, so batches can be generated in any order or in
 * parallel and every target still gets the same rows.
 */
export function patientAt(seed: number, id: number): SeedPatient {
  const r = random(mix(seed, 1, id));
  const born = BIRTH_FROM + Math.floor(r.next() * ((BIRTH_TO - BIRTH_FROM) / DAY)) * DAY;
  const gender = r.pick(GENDERS);
  return {
    id,
    first_name: r.pick(FIRST_NAMES_BY_GENDER[gender]),
    last_name: r.pick(LAST_NAMES),
    date_of_birth: isoDate(born),
    gender,
    contact_number: r.chance(0.9)
      ? `555-${String(r.int(100, 999))}-${String(r.int(0, 9999)).padStart(4, '0')}`
      : null,
  };
}

/** How recent an admission must be to be still open: older stays were all discharged. */
const OPEN_WITHIN_DAYS = 21;

/**
 * The `count` records of patient `patient`, with ids `firstId…`. Admissions fall after birth (and after
 * 2015) and are discharged 0-30 days later (never before admission), except that half of those admitted in
 * the last {@link OPEN_WITHIN_DAYS} days before the sample data's "today" are still in: no stay has been open
 * for months.
 */
export function recordsOf(seed: number, patient: SeedPatient, firstId: number, count: number): SeedRecord[] {
  const r = random(mix(seed, 2, patient.id));
  const d = patient.date_of_birth;
  // Date.UTC of the parts: about 3x cheaper than Date.parse of an ISO string on this hot path.
  const born = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  const from = Math.max(born, CARE_FROM);
  const out: SeedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const condition = r.pick(CONDITIONS);
    const admitted = from + Math.floor(r.next() * ((CARE_TO - from) / DAY)) * DAY;
    const recent = CARE_TO - admitted <= OPEN_WITHIN_DAYS * DAY;
    const stay = r.int(0, 30) * DAY;
    const discharged = recent && r.chance(0.5) ? null : admitted + stay;
    out.push({
      id: firstId + i,
      patient_id: patient.id,
      diagnosis: condition.diagnosis,
      treatment: r.chance(0.95) ? r.pick(condition.treatments) : null,
      admission_date: isoDate(admitted),
      discharge_date: discharged === null ? null : isoDate(Math.min(discharged, CARE_TO)),
    });
  }
  return out;
}

/** A generated appointment. */
export interface SeedAppointment {
  readonly id: number;
  readonly patient_id: number;
  readonly scheduled_at: string;
  readonly reason: string;
  readonly status: 'scheduled' | 'completed' | 'cancelled' | 'no_show';
}

/** Appointments per patient at most: ids are `(patient - 1) * 2 + 1…`, the same on every target. */
export const APPOINTMENTS_PER_PATIENT = 2;

/**
 * The appointments of patient `patient` (0-2; about 60 % of patients have some): in the 120 days before
 * the sample data's "today" (mostly completed, some cancelled or missed) or the 90 days after it (mostly
 * scheduled, some cancelled), on the hour or half hour between 08:00 and 17:30.
 */
export function appointmentsOf(seed: number, patient: SeedPatient): SeedAppointment[] {
  const r = random(mix(seed, 3, patient.id));
  const count = r.chance(0.6) ? r.int(1, APPOINTMENTS_PER_PATIENT) : 0;
  const out: SeedAppointment[] = [];
  for (let i = 0; i < count; i++) {
    const upcoming = r.chance(0.5);
    const day = upcoming ? CARE_TO + r.int(1, 90) * DAY : CARE_TO - r.int(0, 120) * DAY;
    const slot = r.int(16, 35); // half hours: 08:00-17:30
    const time = `${String(Math.floor(slot / 2)).padStart(2, '0')}:${slot % 2 ? '30' : '00'}:00`;
    const roll = r.next();
    const status = upcoming
      ? roll < 0.85
        ? 'scheduled'
        : 'cancelled'
      : roll < 0.75
        ? 'completed'
        : roll < 0.88
          ? 'cancelled'
          : 'no_show';
    out.push({
      id: (patient.id - 1) * APPOINTMENTS_PER_PATIENT + 1 + i,
      patient_id: patient.id,
      scheduled_at: `${isoDate(day)} ${time}`,
      reason: r.pick(APPOINTMENT_REASONS),
      status,
    });
  }
  return out;
}
