/**
 * The few bytes of the MySQL wire protocol the doctor reads before any login: the server greeting
 * (Protocol::HandshakeV10) and the SSLRequest that switches the socket to TLS. The driver hides both, but
 * they answer questions it cannot: does anything speak MySQL on this port, which server is it, does it offer
 * TLS, and what certificate does it present. Reference:
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html
 */

/** Capability flag: the server can switch to TLS. */
export const CLIENT_SSL = 0x0000_0800;
const CLIENT_LONG_PASSWORD = 0x0000_0001;
const CLIENT_PROTOCOL_41 = 0x0000_0200;
const CLIENT_SECURE_CONNECTION = 0x0000_8000;

/** What the first packet of a server says. */
export type Greeting =
  | {
      readonly kind: 'handshake';
      /** `VERSION()` as sent on the wire; MariaDB prefixes `5.5.5-`, removed here. */
      readonly serverVersion: string;
      readonly connectionId: number;
      readonly capabilities: number;
      readonly tlsOffered: boolean;
      readonly authPlugin?: string;
    }
  /** The server refused before the handshake, e.g. 1040 Too many connections, 1129 host blocked. */
  | { readonly kind: 'error'; readonly errno: number; readonly message: string }
  /** Bytes that are not a MySQL greeting (an HTTP or SSH server, a TLS-only proxy...). */
  | { readonly kind: 'not-mysql'; readonly preview: string };

/** Length of the first complete packet in `data` (header included), or undefined if more bytes are needed. */
export function firstPacketLength(data: Uint8Array): number | undefined {
  if (data.length < 4) return undefined;
  const length = (data[0] ?? 0) | ((data[1] ?? 0) << 8) | ((data[2] ?? 0) << 16);
  return data.length >= 4 + length ? 4 + length : undefined;
}

/** Parses the first packet a server sends. Never throws: unparseable bytes are `not-mysql`. */
export function parseGreeting(packet: Uint8Array): Greeting {
  const buf = Buffer.from(packet);
  const notMysql = (): Greeting => ({ kind: 'not-mysql', preview: printable(buf.subarray(0, 40)) });
  if (buf.length < 5) return notMysql();
  const length = buf.readUIntLE(0, 3);
  const payload = buf.subarray(4, 4 + length);
  if (payload[0] === 0xff && payload.length >= 3) {
    const errno = payload.readUInt16LE(1);
    // Pre-handshake errors carry no SQLSTATE marker; later ones start with '#' + 5 characters.
    const text = payload[3] === 0x23 ? payload.subarray(9) : payload.subarray(3);
    return { kind: 'error', errno, message: text.toString('utf8') };
  }
  if (payload[0] !== 10 || length > 1024 || length < 20) return notMysql();
  const versionEnd = payload.indexOf(0, 1);
  if (versionEnd < 0 || payload.length < versionEnd + 1 + 4 + 8 + 1 + 2) return notMysql();
  const serverVersion = payload.toString('latin1', 1, versionEnd).replace(/^5\.5\.5-/, '');
  let pos = versionEnd + 1;
  const connectionId = payload.readUInt32LE(pos);
  pos += 4 + 8 + 1;
  let capabilities = payload.readUInt16LE(pos);
  pos += 2;
  let authPlugin: string | undefined;
  if (payload.length >= pos + 1 + 2 + 2) {
    pos += 1 + 2;
    capabilities |= payload.readUInt16LE(pos) << 16;
    pos += 2;
    const authDataLength = payload[pos] ?? 0;
    pos += 1 + 10 + Math.max(13, authDataLength - 8);
    const end = payload.indexOf(0, pos);
    if (pos < payload.length)
      authPlugin = payload.toString('latin1', pos, end < 0 ? payload.length : end) || undefined;
  }
  return {
    kind: 'handshake',
    serverVersion,
    connectionId,
    capabilities: capabilities >>> 0,
    tlsOffered: (capabilities & CLIENT_SSL) !== 0,
    ...(authPlugin === undefined ? {} : { authPlugin }),
  };
}

/**
 * The SSLRequest packet (sequence 1): the capability flags with CLIENT_SSL, max packet size, character set
 * utf8mb4 and 23 zero bytes. After it the client starts the TLS handshake on the same socket.
 */
export function sslRequestPacket(): Buffer {
  const payload = Buffer.alloc(32);
  payload.writeUInt32LE(
    (CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_SSL) >>> 0,
    0,
  );
  payload.writeUInt32LE(16 * 1024 * 1024, 4);
  payload.writeUInt8(45, 8); // utf8mb4_general_ci: known to every MySQL 5.5+ and MariaDB
  const header = Buffer.from([32, 0, 0, 1]);
  return Buffer.concat([header, payload]);
}

function printable(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
}
