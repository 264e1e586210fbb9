// A simulator server in its own process for the `sim` benchmark (as in deployment, the clients
// do not share its event loop): prints its URL, serves until SIGTERM.
import { startSimServer } from '../../sim/index.js';

const server = await startSimServer();
console.log(server.url);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
