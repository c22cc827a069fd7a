import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * The front door of the `azure` sandbox. Azure Database for MySQL answers a client that does not ask for TLS
 * with error 3159 ("Connections using insecure transport are prohibited while --require_secure_transport=ON."),
 * but MariaDB, which the sandbox runs, answers 1045 "Access denied" instead. Azure itself sits behind a
 * gateway, so the sandbox does too: this relay reads the client's first packet and, when it is a handshake
 * response without the CLIENT_SSL capability, returns MySQL's exact 3159 error; otherwise it pipes bytes
 * both ways untouched (TLS runs end to end between client and server).
 *
 * Written here because no library does this: it needs ~60 lines of the MySQL wire protocol
 * (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html).
 */

const CLIENT_SSL = 0x0000_0800;
const ER_SECURE_TRANSPORT_REQUIRED = 3159;
const MESSAGE = 'Connections using insecure transport are prohibited while --require_secure_transport=ON.';

/** Builds a MySQL ERR packet with the given sequence id. */
export function errPacket(sequenceId: number, errno: number, sqlState: string, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const payload = Buffer.alloc(1 + 2 + 1 + 5 + text.length);
  payload.writeUInt8(0xff, 0);
  payload.writeUInt16LE(errno, 1);
  payload.write('#', 3, 'latin1');
  payload.write(sqlState.slice(0, 5), 4, 'latin1');
  text.copy(payload, 9);
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header.writeUInt8(sequenceId & 0xff, 3);
  return Buffer.concat([header, payload]);
}

/** Starts the gateway on 127.0.0.1:`port`, relaying to 127.0.0.1:`upstreamPort`. */
export function startGateway(port: number, upstreamPort: number): Promise<Server> {
  const server = createServer((client) => relay(client, upstreamPort));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function relay(client: Socket, upstreamPort: number): void {
  client.setNoDelay(true);
  const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
  upstream.setNoDelay(true);
  const destroyBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.end());
  upstream.pipe(client);

  let buffered = Buffer.alloc(0);
  const onFirst = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length < 8) return; // header (4) + capability flags (4)
    client.off('data', onFirst);
    const sequenceId = buffered.readUInt8(3);
    const capabilities = buffered.readUInt32LE(4);
    if ((capabilities & CLIENT_SSL) === 0) {
      upstream.unpipe(client);
      upstream.destroy();
      client.end(errPacket(sequenceId + 1, ER_SECURE_TRANSPORT_REQUIRED, 'HY000', MESSAGE));
      return;
    }
    upstream.write(buffered);
    client.pipe(upstream);
  };
  client.on('data', onFirst);
}
