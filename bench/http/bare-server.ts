/**
 * The practical limit for the HTTP benchmark: bare `node:http` + the mysql2 pool, answering the benchmark's
 * three routes with the same SQL text carepool's query layer sends and the same JSON shapes, with none of
 * carepool's layers (Fastify, schemas, its own pool, error envelope). Run as a child process; prints its
 * port on stdout. Env:
 * - BENCH_DB_URL (mysql://…, plain TCP), BENCH_POOL_MAX (default 20);
 * - BENCH_AUTH=token|off: `token` checks `Authorization: Bearer <token>` with the SELECT carepool's
 *   UserStore.verifyToken sends (token hash joined to users) and caches the answer for BENCH_TOKEN_CACHE_MS
 *   (default 5000, carepool's own cache time); `off` trusts everyone;
 * - BENCH_AUDIT=off|batch|row: one carepool_audit row per request. `batch`: reads are group-committed with
 *   carepool's own GroupCommit (one multi-row INSERT every <= 2 ms), as carepool's AuditLog does; `row`: one
 *   single-row INSERT per read. Writes always insert their row inside the write's transaction.
 *
 * The driver runs in its best configuration, the one carepool's own connections use (src/db/driver.ts):
 * `trace: false` (mysql2/promise otherwise captures a stack trace on every query, which the project's profile
 * measured at ~5-12 µs per request), text-protocol `query` only (no `execute`, so the prepared-statement
 * cache is cut to 1 entry as carepool does), the same charset, time zone, date and number options.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import mysql, { type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { GroupCommit } from '../../src/audit/group-commit.js';
import { hashToken } from '../../src/auth/token.js';

const url = new URL(process.env.BENCH_DB_URL ?? '');
const AUTH = process.env.BENCH_AUTH === 'token';
const AUDIT = (process.env.BENCH_AUDIT ?? 'off') as 'off' | 'batch' | 'row';
const TOKEN_CACHE_MS = Number(process.env.BENCH_TOKEN_CACHE_MS ?? 5000);

const pool = mysql.createPool({
  host: url.hostname,
  port: Number(url.port),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  connectionLimit: Number(process.env.BENCH_POOL_MAX ?? 20),
  trace: false,
  maxPreparedStatements: 1,
  multipleStatements: false,
  dateStrings: true,
  charset: 'utf8mb4_unicode_ci',
  timezone: 'Z',
  supportBigNumbers: true,
  bigNumberStrings: true,
  typeCast: (field, next) => {
    if (field.type === 'TINY' && field.length === 1) {
      const value = field.string();
      return value === null ? null : value === '1';
    }
    return next();
  },
});

const LIST =
  'select `p`.* from `patients` as `p` inner join (select `id` from `patients` order by `last_name` asc, `first_name` asc, `id` asc limit ?) as `k` on `k`.`id` = `p`.`id` order by `p`.`last_name` asc, `p`.`first_name` asc, `p`.`id` asc';
const GET =
  'select `p`.*, `r`.`id` as `r_id`, `r`.`patient_id` as `r_patient_id`, `r`.`diagnosis` as `r_diagnosis`, `r`.`treatment` as `r_treatment`, `r`.`admission_date` as `r_admission_date`, `r`.`discharge_date` as `r_discharge_date` from `patients` as `p` left join `medical_records` as `r` on `r`.`patient_id` = `p`.`id` where `p`.`id` = ? order by `r`.`admission_date` desc, `r`.`id` desc';
const APPOINTMENTS =
  'select `id`, `patient_id`, `scheduled_at`, `reason`, `status` from `appointments` where `patient_id` = ? order by `scheduled_at`, `id`';
const INSERT_RECORD =
  'insert into `medical_records` (`diagnosis`, `treatment`, `admission_date`, `discharge_date`, `patient_id`) values (?, ?, ?, ?, ?)';
const SELECT_RECORD = 'select * from `medical_records` where `id` = ?';
const TOKEN =
  'SELECT u.username, u.role, u.disabled FROM carepool_tokens t JOIN carepool_users u ON u.username = t.username WHERE t.token_hash = ? AND t.revoked_at IS NULL';
const AUDIT_INSERT =
  'INSERT INTO carepool_audit (actor, role, action, resource, resource_id, patient_id, outcome, client, request_id) VALUES ?';
const RECORD = ['id', 'patient_id', 'diagnosis', 'treatment', 'admission_date', 'discharge_date'];

const LIST_PATH = /^\/api\/v1\/targets\/bench\/patients(?:\?(.*))?$/;
const GET_PATH = /^\/api\/v1\/targets\/bench\/patients\/(\d+)$/;
const RECORDS_PATH = /^\/api\/v1\/targets\/bench\/patients\/(\d+)\/records$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Principal {
  readonly username: string;
  readonly role: string;
}
type Row = readonly (string | number | null)[];

const ANONYMOUS: Principal = { username: 'local', role: 'local' };
const tokens = new Map<string, { principal: Principal | null; until: number }>();
let requestIds = 0;

const audit = new GroupCommit<Row>({
  write: async (batch) => {
    await pool.query(AUDIT_INSERT, [batch]);
  },
});

/** The principal of the request's bearer token (cached like carepool's UserStore), or null. */
async function authenticate(req: IncomingMessage): Promise<Principal | null> {
  if (!AUTH) return ANONYMOUS;
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!/^cp_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const hash = hashToken(token);
  const now = Date.now();
  const cached = tokens.get(hash);
  if (cached && cached.until > now) return cached.principal;
  const [rows] = await pool.query<RowDataPacket[]>(TOKEN, [hash]);
  const row = rows[0];
  const principal = row && !row.disabled ? { username: row.username, role: row.role } : null;
  tokens.set(hash, { principal, until: now + TOKEN_CACHE_MS });
  return principal;
}

function auditRow(
  who: Principal,
  req: IncomingMessage,
  action: string,
  resource: string,
  id: number | null,
  patientId: number | null,
  outcome: string,
): Row {
  const client = req.socket.remoteAddress ?? '';
  return [who.username, who.role, action, resource, id, patientId, outcome, client, `req-${++requestIds}`];
}

/** Records a read's audit row (group-committed or one INSERT) before the response goes out. */
async function auditRead(row: Row): Promise<void> {
  if (AUDIT === 'batch') await audit.submit(row);
  else if (AUDIT === 'row') await pool.query(AUDIT_INSERT, [[row]]);
}

async function getPatient(req: IncomingMessage, res: ServerResponse, who: Principal, id: number) {
  // Both statements on one connection, as carepool does (holding two per request can deadlock a full pool).
  const conn = await pool.getConnection();
  let rows: RowDataPacket[];
  let appointments: RowDataPacket[];
  try {
    [[rows], [appointments]] = await Promise.all([
      conn.query<RowDataPacket[]>(GET, [id]),
      conn.query<RowDataPacket[]>(APPOINTMENTS, [id]),
    ]);
  } finally {
    conn.release();
  }
  const first = rows[0];
  await auditRead(auditRow(who, req, 'read', 'patient', id, id, first ? 'success' : 'not_found'));
  if (!first) return send(res, 404, { error: { code: 'CAREPOOL_NOT_FOUND' } });
  const patient: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(first)) if (!k.startsWith('r_')) patient[k] = v;
  const records = [];
  for (const row of rows) {
    if (row.r_id === null) continue;
    const record: Record<string, unknown> = {};
    for (const c of RECORD) record[c] = row[`r_${c}`];
    records.push(record);
  }
  send(res, 200, { ...patient, medical_records: records, appointments });
}

async function listPatients(req: IncomingMessage, res: ServerResponse, who: Principal, query: string) {
  const limit = Number(new URLSearchParams(query).get('limit') ?? 25);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    return send(res, 400, { error: { code: 'CAREPOOL_VALIDATION' } });
  const [rows] = await pool.query<RowDataPacket[]>(LIST, [limit + 1]);
  await auditRead(auditRow(who, req, 'list', 'patient', null, null, 'success'));
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify(['name', last.last_name, last.first_name, last.id])).toString('base64url')
      : null;
  send(res, 200, { items, next_cursor: next, limit });
}

async function createRecord(req: IncomingMessage, res: ServerResponse, who: Principal, patientId: number) {
  const body = await readJson(req);
  const text = (v: unknown, max: number) => typeof v === 'string' && v.length >= 1 && v.length <= max;
  const date = (v: unknown) => typeof v === 'string' && DATE.test(v);
  if (
    !body ||
    !text(body.diagnosis, 100) ||
    !(body.treatment == null || text(body.treatment, 200)) ||
    !date(body.admission_date) ||
    !(body.discharge_date == null || date(body.discharge_date)) ||
    (typeof body.discharge_date === 'string' && body.discharge_date < (body.admission_date as string))
  )
    return send(res, 400, { error: { code: 'CAREPOOL_VALIDATION' } });
  const conn = await pool.getConnection();
  try {
    await conn.query('begin');
    const [inserted] = await conn.query<ResultSetHeader>(INSERT_RECORD, [
      body.diagnosis,
      body.treatment ?? null,
      body.admission_date,
      body.discharge_date ?? null,
      patientId,
    ]);
    const [rows] = await conn.query<RowDataPacket[]>(SELECT_RECORD, [inserted.insertId]);
    if (AUDIT !== 'off') {
      const row = auditRow(who, req, 'create', 'medical_record', inserted.insertId, patientId, 'success');
      await conn.query(AUDIT_INSERT, [[row]]);
    }
    await conn.query('commit');
    res.setHeader('location', `/api/v1/targets/bench/records/${inserted.insertId}`);
    send(res, 201, rows[0]);
  } catch (error) {
    await conn.query('rollback').catch(() => undefined);
    if ((error as { errno?: number }).errno === 1452)
      return send(res, 404, { error: { code: 'CAREPOOL_NOT_FOUND' } });
    throw error;
  } finally {
    conn.release();
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const server = createServer(async (req, res) => {
  try {
    const path = req.url ?? '';
    if (path === '/healthz') return send(res, 200, { ok: true });
    const who = await authenticate(req);
    if (!who) return send(res, 401, { error: { code: 'CAREPOOL_AUTH_REQUIRED' } });
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = GET_PATH.exec(path)))
      return await getPatient(req, res, who, Number(m[1]));
    if (req.method === 'GET' && (m = LIST_PATH.exec(path)))
      return await listPatients(req, res, who, m[1] ?? '');
    if (req.method === 'POST' && (m = RECORDS_PATH.exec(path)))
      return await createRecord(req, res, who, Number(m[1]));
    send(res, 404, { error: { code: 'CAREPOOL_NOT_FOUND' } });
  } catch (error) {
    send(res, 500, { error: { code: 'INTERNAL', message: String(error) } });
  }
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void audit
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
