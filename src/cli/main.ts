#!/usr/bin/env node
// The `momento` command line: one subcommand per job (inspect, run, demo, sim, eval, collect,
// replay, info). Errors print one line naming the bad thing and exit non-zero.
import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerInspect } from './commands/inspect.js';
import { registerRun } from './commands/run.js';
import { registerCollect } from './commands/collect.js';
import { registerEval } from './commands/eval.js';
import { registerSim } from './commands/sim.js';
import { registerReplay } from './commands/replay.js';
import { registerInfo } from './commands/info.js';
import { registerRos } from './commands/ros.js';
import { registerServe } from './commands/serve.js';
import { momentoVersion } from '../record/version.js';

const program = new Command('momento').description('runtime for history-aware robot policies').version(momentoVersion());
registerInspect(program);
registerRun(program);
registerDemo(program);
registerCollect(program);
registerEval(program);
registerSim(program);
registerReplay(program);
registerInfo(program);
registerRos(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`momento: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env['MOMENTO_DEBUG'] && err instanceof Error) console.error(err.stack);
  process.exitCode = 1;
}
