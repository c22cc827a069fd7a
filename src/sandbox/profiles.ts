/** A cloud a sandbox server imitates. */
export type ProfileName = 'azure' | 'gcp';

/** What makes a sandbox server behave like its cloud. */
export interface Profile {
  readonly name: ProfileName;
  /** Server options beyond the common ones. */
  readonly serverArgs: readonly string[];
  /** The ssl-mode the printed app URL uses. */
  readonly sslMode: 'VERIFY_IDENTITY' | 'VERIFY_CA' | 'REQUIRED' | 'PREFERRED';
  /** Preferred fixed port (a free one is used if taken). */
  readonly port: number;
  readonly description: string;
  /** The server's `server_id` (and MariaDB `gtid_domain_id`); replicas get 100 x this + their number. */
  readonly serverId: number;
  /** Front the server with the TLS-enforcing gateway (./gateway.ts) so plain clients get error 3159. */
  readonly gateway: boolean;
}

/**
 * Azure Database for MySQL Flexible Server: require_secure_transport=ON by default (clients without TLS get
 * error 3159), and a Standard_B1ms allows 171 connections. Cloud SQL: TLS offered but optional
 * (ALLOW_UNENCRYPTED_AND_ENCRYPTED) and its certificates name `project:instance`, not the host, so clients
 * verify the CA only; db-f1-micro allows 250 connections. Sources: ../shared/research/pooling.md §4, §5.
 */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  azure: {
    name: 'azure',
    serverArgs: ['--require-secure-transport=ON', '--max-connections=171'],
    sslMode: 'VERIFY_IDENTITY',
    port: 33061,
    description:
      'Azure Database for MySQL imitation: TLS required (error 3159 without it), max_connections 171',
    gateway: true,
    serverId: 1,
  },
  gcp: {
    name: 'gcp',
    serverArgs: ['--max-connections=250'],
    sslMode: 'VERIFY_CA',
    port: 33062,
    description: 'Cloud SQL imitation: TLS optional, max_connections 250',
    gateway: false,
    serverId: 2,
  },
};

/** True when `name` is a known profile. */
export function isProfileName(name: string): name is ProfileName {
  return name === 'azure' || name === 'gcp';
}
