import type { Column, Table } from '../schema/index.js';

/** How a writable column is read from input, checked, rendered in forms and described in JSON Schema. */
export interface FieldSpec {
  readonly name: string;
  /** Human label for forms and messages. */
  readonly label: string;
  readonly kind: 'string' | 'date' | 'datetime' | 'int' | 'boolean' | 'enum';
  readonly nullable: boolean;
  /** Required on create (NOT NULL without a default). */
  readonly required: boolean;
  readonly maxLength?: number;
  /** Free text that may hold line breaks and tabs (TEXT, and VARCHAR over 120: a textarea in the forms). */
  readonly multiline?: boolean;
  readonly values?: readonly string[];
  /** An extra rule the column type cannot express (a phone number's characters). */
  readonly pattern?: { readonly source: string; readonly message: string };
  /** Dates that cannot lie ahead (a date of birth). */
  readonly notFuture?: boolean;
  /** Suggested values for free-text columns (a form datalist), never enforced. */
  readonly suggestions?: readonly string[];
}

/** Domain rules the column types cannot carry, keyed `table.column`. */
const OVERLAY: Readonly<Record<string, Partial<FieldSpec>>> = {
  'patients.date_of_birth': { notFuture: true },
  'patients.contact_number': {
    label: 'Contact number',
    pattern: { source: '^\\+?[0-9][0-9 ()\\-.]*$', message: 'may hold digits, spaces, + ( ) - . only' },
  },
  'patients.gender': { suggestions: ['Female', 'Male', 'Non-binary', 'Other', 'Unknown'] },
  'medical_records.discharge_date': { label: 'Discharge date' },
};

/** Columns the server fills in or that come from the URL, never from the body. */
const NOT_WRITABLE = new Set(['id', 'patient_id', 'created_at', 'updated_at']);

/**
 * The writable fields of a model table, derived from its columns (type, length, NULL-ability) plus the
 * overlay above. Both the JSON Schemas of the API and the service-side validation use these, so the two
 * never disagree.
 */
export function fieldsOf(table: Table): readonly FieldSpec[] {
  return table.columns
    .filter((c) => !NOT_WRITABLE.has(c.name) && !c.autoIncrement)
    .map((c) => ({ ...fromColumn(c), ...OVERLAY[`${table.name}.${c.name}`] }));
}

function fromColumn(c: Column): FieldSpec {
  const base = {
    name: c.name,
    label: humanize(c.name),
    nullable: c.nullable,
    required: !c.nullable && c.default === undefined,
  };
  switch (c.type.kind) {
    case 'varchar':
    case 'char':
      // Longer text is a textarea in the forms (views/templates/form.ts), so it may hold line breaks.
      return { ...base, kind: 'string', maxLength: c.type.length, multiline: c.type.length > 120 };
    case 'text':
      return { ...base, kind: 'string', maxLength: 65_535, multiline: true };
    case 'mediumtext':
    case 'longtext':
      return { ...base, kind: 'string', maxLength: 1_000_000, multiline: true };
    case 'date':
      return { ...base, kind: 'date' };
    case 'datetime':
    case 'timestamp':
      return { ...base, kind: 'datetime' };
    case 'boolean':
      return { ...base, kind: 'boolean', required: false };
    case 'enum':
      return { ...base, kind: 'enum', values: c.type.values };
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
      return { ...base, kind: 'int' };
    case 'decimal':
    case 'float':
    case 'double':
    case 'json':
    default:
      // Not used by the clinic models (nor the other types of the full model, issue 16); carried as text
      // so the form still works.
      return { ...base, kind: 'string', maxLength: 255 };
  }
}

/** `date_of_birth` → `Date of birth`. */
export function humanize(name: string): string {
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
