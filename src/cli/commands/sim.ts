// `momento sim`: serves the simulator over WebSocket until interrupted (Ctrl-C / SIGTERM).
import type { Command } from 'commander';
import { TASK_IDS, listTasks, startSimServer } from '../../../sim/index.js';
import { parsePositiveInt } from '../options.js';
import { table } from '../../core/text-table.js';
import { paramsTable, parseBeyond, repeatable, taskOverrides } from '../task-params.js';

const PARAMS_HELP = `
Task parameters (set per reset in SimReset.params; a reset that sets none gets each seed's
defaults, drawn from the training ranges; --param/--beyond set server-wide ones that a reset
may still override; values outside 'accepted' are refused with bad-reset):
`;

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('serve the simulator of history-dependent tasks over WebSocket')
    .option('--port <port>', 'TCP port (0 = any free port)', '8765')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--image-size <px>', 'default camera image side', '64')
    .option('--max-image-size <px>', 'largest image side a reset may ask for (8..512)', '256')
    .option('--max-sessions <n>', 'sessions open at once; more connections are refused (HTTP 503)', '256')
    .option('--handshake-timeout-ms <ms>', 'drop connections whose WebSocket handshake takes longer', '5000')
    .option('--param <name=value>', 'a task parameter every reset gets unless it sets it (repeatable; applies to the tasks that have it)', repeatable, [])
    .option('--beyond <factor>', 'every phase-length/count parameter at round(factor x its training max) unless a reset sets it')
    .option('--list-params', 'print the task parameters and their ranges, and exit')
    .addHelpText('after', () => `${PARAMS_HELP}\n${paramsTable()}`)
    .action(async (opts: { port: string; host: string; imageSize: string; maxImageSize: string; maxSessions: string; handshakeTimeoutMs: string; param: string[]; beyond?: string; listParams?: boolean }) => {
      if (opts.listParams) {
        console.log(paramsTable());
        return;
      }
      const taskParams = taskOverrides(TASK_IDS, opts.param, parseBeyond(opts.beyond));
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port: expected 0..65535, got '${opts.port}'`);
      const server = await startSimServer({
        port,
        host: opts.host,
        imageSize: parsePositiveInt('--image-size', opts.imageSize),
        maxImageSize: parsePositiveInt('--max-image-size', opts.maxImageSize),
        maxSessions: parsePositiveInt('--max-sessions', opts.maxSessions),
        handshakeTimeoutMs: parsePositiveInt('--handshake-timeout-ms', opts.handshakeTimeoutMs),
        taskParams,
      });
      console.log(table(['task', 'max steps (legacy setting)', 'memoryless chance (legacy setting)'], listTasks().map((t) => [t.id, String(t.maxSteps), `${(100 * t.memorylessChance).toFixed(1)} %`])));
      for (const [task, params] of Object.entries(taskParams)) console.log(`${task}: ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')} (unless a reset sets them)`);
      console.log(`simulator listening on ${server.url}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      console.log('simulator stopped');
    });
}
