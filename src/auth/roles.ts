/** The roles of carepool, least to most privileged. */
export const ROLES = ['viewer', 'clinician', 'admin'] as const;

/** A role. */
export type Role = (typeof ROLES)[number];

/** What a request may do. */
export type Permission =
  | 'phi:read'
  | 'phi:write'
  | 'ops:read' // targets, metrics, ERD
  | 'ops:run' // migrations, load simulations, doctor
  | 'users:manage'
  | 'audit:read';

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['phi:read', 'ops:read'],
  clinician: ['phi:read', 'phi:write', 'ops:read'],
  admin: ['phi:read', 'phi:write', 'ops:read', 'ops:run', 'users:manage', 'audit:read'],
};

/** True when `role` grants `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** True when `value` is a role name. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
