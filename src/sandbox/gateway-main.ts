/**
 * Entry point of the azure sandbox gateway process: `gateway-main <port> <upstreamPort> [serverDir]` (the
 * directory only marks whose gateway it is, for ./reap.ts). Runs detached so
 * it outlives the `carepool sandbox start` command; `carepool sandbox stop` ends it with SIGTERM.
 */
import { startGateway } from './gateway.js';

const [port, upstream] = process.argv.slice(2).map(Number);
if (!port || !upstream) {
  process.stderr.write('usage: gateway-main <port> <upstreamPort>\n');
  process.exit(2);
}
const server = await startGateway(port, upstream);
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
