import type { ServerResponse } from 'node:http';
/**
 * The practical limit for the HTTP benchmark: bare `node:http` + the mysql2 pool, answering the same two
 * routes with the same SQL text carepool's query layer sends and the same JSON shapes, with none of
 * carepool's layers (Fastify, schemas, guard, its own pool, error envelope). Run as a child process;
 * prints its port on stdout. Env: BENCH_DB_URL (mysql://…, plain TCP).
 */
import { createServer } from 'node:http';
import mysql, { type RowDataPacket } from 'mysql2/promise';

const url = new URL(process.env.BENCH_DB_URL ?? '');
const pool = mysql.createPool({
  host: url.hostname,
  port: Number(url.port),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  connectionLimit: Number(process.env.BENCH_POOL_MAX ?? 20),
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
const RECORD = ['id', 'patient_id', 'diagnosis', 'treatment', 'admission_date', 'discharge_date'];

const LIST_PATH = /^\/api\/v1\/targets\/bench\/patients(\?|$)/;
const GET_PATH = /^\/api\/v1\/targets\/bench\/patients\/(\d+)$/;

const server = createServer(async (req, res) => {
  try {
    const get = GET_PATH.exec(req.url ?? '');
    if (get) {
      const id = Number(get[1]);
      const [[rows], [appointments]] = await Promise.all([
        pool.query<RowDataPacket[]>(GET, [id]),
        pool.query<RowDataPacket[]>(APPOINTMENTS, [id]),
      ]);
      const first = rows[0];
      if (!first) return send(res, 404, { error: { code: 'NOT_FOUND' } });
      const patient: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(first)) if (!k.startsWith('r_')) patient[k] = v;
      const records = [];
      for (const row of rows) {
        if (row.r_id === null) continue;
        const record: Record<string, unknown> = {};
        for (const c of RECORD) record[c] = row[`r_${c}`];
        records.push(record);
      }
      return send(res, 200, { ...patient, medical_records: records, appointments });
    }
    if (LIST_PATH.test(req.url ?? '')) {
      const [rows] = await pool.query<RowDataPacket[]>(LIST, [26]);
      const items = rows.slice(0, 25);
      const last = items.at(-1);
      const next =
        rows.length > 25 && last
          ? Buffer.from(JSON.stringify(['name', last.last_name, last.first_name, last.id])).toString(
              'base64url',
            )
          : null;
      return send(res, 200, { items, next_cursor: next, limit: 25 });
    }
    send(res, 404, { error: { code: 'NOT_FOUND' } });
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
  void pool.end().then(() => process.exit(0));
});
