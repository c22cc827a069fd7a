/**
 * What to do about a replica whose replication thread is not running, from the error `SHOW SLAVE STATUS`
 * reports (as the monitor words it: "SQL thread error 1062: …", "IO thread error 2003: …", or
 * "replication is not configured on this server"). `variable` is the target's REPLICAS variable.
 */
export function stoppedFix(lastError: string | null, variable: string): string {
  const error = lastError ?? '';
  const io = /^IO thread error (\d*)/.exec(error);
  const errno = Number(io?.[1] ?? /^SQL thread error (\d*)/.exec(error)?.[1] ?? Number.NaN);
  if (/replication is not configured/.test(error))
    return `This server replicates from nothing: check that entry of ${variable} names a replica, not the primary under another name (localhost vs 127.0.0.1, a DNS alias) or another server; or set up replication on it (CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos; START SLAVE).`;
  if (/not a replica of this primary/.test(error))
    return `This server replicates from another primary (perhaps another target's replica): check that this entry of ${variable} names a replica of this target's primary, or point its replication at this primary.`;
  if (errno === 1236 || /purged|could not find GTID/i.test(error))
    return 'The primary no longer has the binary logs this replica needs: rebuild it from a fresh copy of the primary (sandbox: delete its directory and run carepool sandbox start --replicas N again).';
  if (io && (errno === 2003 || errno === 2005 || errno === 2013 || errno === 2002))
    return 'The replica cannot reach its primary (the primary is down or restarting, or the network between them blocks it); it retries by itself every Connect_Retry seconds. Check the primary (carepool doctor --target on it) and that the replica can open a connection to the host and port in its SHOW SLAVE STATUS (Master_Host, Master_Port).';
  if (io && errno === 1045)
    return "The primary refused the replica's replication user (Master_User in SHOW SLAVE STATUS): fix its password or host on the primary (it needs REPLICATION SLAVE), or give the replica the right one: STOP SLAVE; CHANGE MASTER TO MASTER_PASSWORD='…'; START SLAVE.";
  if (io && errno === 2026)
    return "The replica's TLS connection to its primary failed: check MASTER_SSL_CA (the CA that signed the primary's certificate) and that the certificate names Master_Host, then START SLAVE.";
  if (io)
    return "The replica's connection to its primary failed: fix what the error names (SHOW SLAVE STATUS: Last_IO_Error), then START SLAVE.";
  if (lastError)
    return "Make the row the error names on the replica match the primary's (delete the conflicting row for a duplicate key, 1062; the primary's row is the truth), then START SLAVE. Or skip that one transaction, accepting that the row stays different: STOP SLAVE; SET GLOBAL sql_slave_skip_counter = 1; START SLAVE (MariaDB with one GTID domain; with several, set gtid_slave_pos past it; MySQL with GTIDs: commit an empty transaction with its GTID). If unsure, rebuild the replica from the primary.";
  return 'Run START SLAVE on the replica (someone stopped it), then check carepool targets again.';
}
