export { generateSecret, hashPassword, verifyPassword } from './password.js';
export { readFirst, writeEverywhere } from './replicate.js';
export { can, isRole, type Permission, ROLES, type Role } from './roles.js';
export {
  checkCsrf,
  csrfToken,
  DEFAULT_SESSION_POLICY,
  type SessionClaims,
  type SessionPolicy,
  type SessionProblem,
  signSession,
  verifySession,
} from './session.js';
export { hmacOf, openSigned, sameToken, signValue } from './signed.js';
export { hashToken, looksLikeToken, newToken } from './token.js';
export { type Principal, type UserInfo, UserStore, type UserStoreOptions } from './user-store.js';
export { SignInThrottle, THROTTLE, type ThrottlePolicy } from './throttle.js';
export { ensureFirstAdmin, FIRST_ADMIN, type FirstAdmin } from './first-admin.js';
