import { describe, expect, it } from 'vitest';
import { cloudOf, replicationSteps, type StepSide } from '../../src/move/replicate-steps.js';

const maria: StepSide = { name: 'onprem', host: '10.0.0.5', port: 3306, flavor: 'mariadb', database: 'clinic' };
const azure: StepSide = {
  name: 'azure',
  host: 'clinic.mysql.database.azure.com',
  port: 3306,
  flavor: 'mysql',
  database: 'clinic',
};
const mysql: StepSide = { name: 'gcp', host: '34.1.2.3', port: 3306, flavor: 'mysql', database: 'clinic' };
const at = { gtid: '0-1-42', file: 'binlog.000003', pos: 1234 };

describe('replication steps carepool prints instead of running (not testable here)', () => {
  it('MariaDB → MariaDB is carepool replicate start itself', () => {
    expect(replicationSteps(maria, { ...maria, name: 'b' }, at)).toBeNull();
  });

  it('MariaDB → Azure: file/position (GTIDs do not mix) with the CA PEM, then start', () => {
    const text = (replicationSteps(maria, azure, at) ?? []).join('\n');
    expect(cloudOf(azure.host)).toBe('azure');
    expect(text).toContain('GTIDs do not mix');
    expect(text).toContain(
      "CALL mysql.az_replication_change_master('10.0.0.5', 'carepool_repl', '<password>', 3306, 'binlog.000003', 1234, '<CA PEM of onprem>');",
    );
    expect(text).toContain('CALL mysql.az_replication_start;');
    expect(text).toContain('REQUIRE SSL');
    expect(text).toContain('Not tested here');
  });

  it('MySQL → Azure uses the GTID procedure', () => {
    const text = (replicationSteps({ ...mysql, name: 'src' }, azure, at) ?? []).join('\n');
    expect(text).toContain('mysql.az_replication_change_master_with_gtid(');
  });

  it('MariaDB → Cloud SQL is refused by name: Cloud SQL needs MySQL GTIDs', () => {
    const text = (replicationSteps(maria, mysql, at, 'cloudsql') ?? []).join('\n');
    expect(text).toContain('not possible');
    expect(text).toContain('carepool copy');
  });

  it('MySQL → MariaDB: CHANGE MASTER with MASTER_USE_GTID=no and a verified certificate', () => {
    const text = (replicationSteps(mysql, maria, { gtid: null, file: null, pos: null }) ?? []).join('\n');
    expect(text).toContain('MASTER_USE_GTID=no');
    expect(text).toContain('MASTER_SSL_VERIFY_SERVER_CERT=1');
    expect(text).toContain("MASTER_LOG_FILE='<binlog file>'");
  });
});
