// `momento inspect <bundle>`: prints a bundle's contract (observation, action, memory, head and
// every graph's tensors) as tables, after validating it like a load would.
import type { Command } from 'commander';
import { readManifest } from '../../bundle/load.js';
import type { TensorSpec } from '../../bundle/manifest.js';
import { Policy } from '../../policy/policy.js';
import { limitsOutside } from '../../runtime/evaluate.js';
import { ACTION_FIELDS, ACTION_SPACE } from '../../../sim/index.js';
import { table } from '../../core/text-table.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('validate a policy bundle and print its contract')
    .argument('<bundle>', 'bundle folder (policy.json + graphs)')
    .option('--no-graphs', 'check the manifest only, without opening the ONNX graphs')
    .action(async (bundle: string, opts: { graphs: boolean }) => {
      const { manifest: m, hash } = readManifest(bundle);
      if (opts.graphs) await (await Policy.load(bundle)).release();
      const out: string[] = [];
      out.push(`bundle ${m.name} ${m.version}  hash ${hash}${opts.graphs ? '  (graphs validated)' : ''}`);
      if (m.description) out.push(m.description);
      out.push('');
      const mem = m.memory;
      const memory =
        mem.kind === 'none' ? 'none' : mem.kind === 'hamlet' ? `hamlet: n_q=${mem.tokens} d=${mem.dim} window T=${mem.window}` : `memoryvla: L=${mem.capacity} write=${mem.write} eviction=${mem.eviction ?? 'merge'} streams ${mem.streams.map((s) => `${s.name} ${s.tokens}x${s.dim}`).join(', ')}`;
      const head = m.head.kind === 'direct' ? 'direct chunk' : m.head.kind === 'flow' ? `flow matching, ${m.head.steps} Euler steps` : `DDIM, ${m.head.steps} of ${m.head.train_steps} steps`;
      out.push(
        table(
          ['part', 'contract'],
          [
            ...m.observation.cameras.map((c) => [`camera ${c.name}`, `${c.height}x${c.width}x${c.channels} uint8, mean [${c.mean.join(', ')}] std [${c.std.join(', ')}]`]),
            ['proprio', m.observation.proprio.names.join(', ')],
            ['tasks', m.observation.instruction?.tasks.join(', ') ?? '(no instruction: any task)'],
            ['action', `${m.action.names.join(', ')}; chunk ${m.action.chunk}, execute ${m.action.execute}, ${m.action.rate_hz} Hz`],
            ['limits', m.action.names.map((n, i) => `${n} [${m.action.low[i]}, ${m.action.high[i]}]`).join('; ')],
            ['memory', memory],
            ['head', head],
          ],
        ),
      );
      const rows: string[][] = [];
      for (const [role, g] of Object.entries(m.graphs)) {
        if (!g) continue;
        const fmt = (t: TensorSpec): string => `${t.name} ${t.dtype}[${t.shape.join(', ')}]`;
        g.inputs.forEach((t, i) => rows.push([i === 0 ? `${role} (${g.file})` : '', 'in', fmt(t)]));
        g.outputs.forEach((t) => rows.push(['', 'out', fmt(t)]));
      }
      out.push('', table(['graph', '', 'tensor'], rows));
      console.log(out.join('\n'));
      // A bundle for the simulator's arm (its 3 action dims) that may command more than the
      // simulator accepts would have its episodes refused there.
      if (m.action.low.length === ACTION_FIELDS.length) {
        const outside = limitsOutside(m.action, ACTION_SPACE);
        if (outside.length > 0) console.error(`momento: warning: ${m.name}: action limits exceed the simulator's action space: ${outside.join('; ')}`);
      }
    });
}
