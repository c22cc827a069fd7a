import type { MigrationModule } from '../src/migrate/index.js';

/**
 * The seeds' schema (../shared/DESIGN.md "Models"): patients and their medical records. Written out in
 * full rather than imported from src/schema/models.ts, so later model changes never rewrite history.
 */
export default {
  id: '0001_initial',
  parents: [],
  message: 'patients and medical records (the seeds schema)',
  up: (op) => [
    op.createTable(
      'patients',
      {
        id: op.t.id(),
        first_name: op.t.varchar(50),
        last_name: op.t.varchar(50),
        date_of_birth: op.t.date(),
        gender: op.t.varchar(10),
        contact_number: op.nullable(op.t.varchar(15)),
      },
      { indexes: [{ name: 'ix_patients_last_name_first_name', columns: ['last_name', 'first_name'] }] },
    ),
    op.createTable(
      'medical_records',
      {
        id: op.t.id(),
        patient_id: op.t.int(),
        diagnosis: op.t.varchar(100),
        treatment: op.nullable(op.t.varchar(200)),
        admission_date: op.t.date(),
        discharge_date: op.nullable(op.t.date()),
      },
      {
        foreignKeys: [
          {
            name: 'fk_medical_records_patient_id',
            columns: ['patient_id'],
            references: { table: 'patients', columns: ['id'] },
            onDelete: 'RESTRICT',
            onUpdate: 'RESTRICT',
          },
        ],
      },
    ),
  ],
  down: (op) => [op.dropTable('medical_records'), op.dropTable('patients')],
} satisfies MigrationModule;
