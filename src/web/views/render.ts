import { Eta } from 'eta/core';
import { audit } from './templates/audit.js';
import { compare } from './templates/compare.js';
import { confirm } from './templates/confirm.js';
import { dashboard } from './templates/dashboard.js';
import { doctor, doctorFindings } from './templates/doctor.js';
import { erd } from './templates/erd.js';
import { error } from './templates/error.js';
import { form } from './templates/form.js';
import { layout } from './templates/layout.js';
import { login } from './templates/login.js';
import { patient } from './templates/patient.js';
import { patients } from './templates/patients.js';

/** Names of the page templates. */
export type PageName =
  | 'dashboard'
  | 'patients'
  | 'patient'
  | 'form'
  | 'confirm'
  | 'compare'
  | 'erd'
  | 'doctor'
  | 'login'
  | 'audit'
  | 'error';

/** A banner across the top of every page (a target that is down). */
export interface Banner {
  readonly kind: 'down' | 'info';
  readonly title: string;
  readonly message: string;
  readonly hint?: string;
}

/** What the layout needs on every page. */
export interface LayoutData {
  readonly title: string;
  /** Which navigation entry is current: `dashboard`, `compare`, `target:<name>`. */
  readonly nav: string;
  readonly layoutTargets: readonly { readonly name: string; readonly down: boolean }[];
  readonly banners: readonly Banner[];
  readonly script?: string;
  /** The signed-in user shown in the header with a sign-out button (absent on the sign-in page). */
  readonly actor?: { readonly name: string; readonly role: string } | null;
  /** Hidden `_csrf` field of every form, when the security layer provides one. */
  readonly formToken?: string | null;
}

/**
 * Server-side templates (Eta, auto-escaping every `<%= %>`). They are compiled once from TypeScript string
 * modules, so the built package needs no template files next to it.
 */
export class Views {
  readonly #eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'], cache: true, useWith: false });

  constructor() {
    const templates = {
      layout,
      dashboard,
      patients,
      patient,
      form,
      confirm,
      compare,
      erd,
      doctor,
      login,
      audit,
      error,
    };
    this.#eta.loadTemplate('@findings', doctorFindings);
    for (const [name, text] of Object.entries(templates)) this.#eta.loadTemplate(`@${name}`, text);
  }

  /** Renders a page with the layout. */
  render(page: PageName, data: LayoutData & Record<string, unknown>): string {
    return this.#eta.render(`@${page}`, data);
  }
}
