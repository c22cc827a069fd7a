/**
 * Workspaces: scratch databases on a real server of the right flavor and version, where desired schemas
 * (.sql sources, generated DDL) are applied and read back by the same introspection as live targets, so
 * both sides of a diff are spelled by the server itself (Skeema's workspaces, Atlas's dev database).
 */
export { describeHosts, sandboxHosts, serverMatches, targetHost, type WorkspaceHost } from './host.js';
export {
  LEFTOVER_AGE_SECONDS,
  leaseWorkspace,
  quoteName,
  tablesWithRows,
  WORKSPACE_PREFIX,
  type Workspace,
  type WorkspaceLease,
  type WorkspaceOptions,
  withWorkspace,
} from './workspace.js';
