import { randomBytes } from 'node:crypto';
import { type ConnectionSpec, parseConnectionUrl } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { generatePassword, type ServerState, userUrl } from '../../src/sandbox/index.js';
import { adminConnection } from './targets.js';

/**
 * Creates a throw-away DML user on a sandbox server, so a test can count *its own* connections server-side
 * (PROCESSLIST by user) while other test files use the shared app user.
 */
export async function createTestUser(
  server: ServerState,
): Promise<{ user: string; spec: ConnectionSpec; drop(): Promise<void> }> {
  const user = `t_${randomBytes(4).toString('hex')}`;
  const password = generatePassword();
  const admin = await adminConnection(server);
  try {
    await admin.query(sql`CREATE USER ${sql.raw(`'${user}'@'%'`)} IDENTIFIED BY ${password}`);
    await admin.query(sql`GRANT SELECT, INSERT, UPDATE, DELETE ON clinic.* TO ${sql.raw(`'${user}'@'%'`)}`);
  } finally {
    await admin.close();
  }
  const url = userUrl(server, 'app').replace(
    `${server.users.app.user}:${encodeURIComponent(server.users.app.password)}@`,
    `${user}:${encodeURIComponent(password)}@`,
  );
  return {
    user,
    spec: parseConnectionUrl('test', url),
    async drop() {
      const a = await adminConnection(server);
      try {
        await a.query(sql`DROP USER IF EXISTS ${sql.raw(`'${user}'@'%'`)}`);
      } finally {
        await a.close();
      }
    },
  };
}

/** Server-side count of connections of `user` (PROCESSLIST), read with the admin user. */
export async function countConnections(server: ServerState, user: string): Promise<number> {
  const admin = await adminConnection(server);
  try {
    return await countWith(admin, user);
  } finally {
    await admin.close();
  }
}

/** Same as {@link countConnections} on an already open admin connection (for sampling loops). */
export async function countWith(
  admin: Awaited<ReturnType<typeof adminConnection>>,
  user: string,
): Promise<number> {
  const { rows } = await admin.query<{ n: number | string }>(
    sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ${user}`,
  );
  return Number(rows[0]?.n ?? 0);
}
