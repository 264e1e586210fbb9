"""Writes MODEL_CARD.md for a reference bundle from what the pipeline recorded: policy.json,
train.json (the last training run), training-runs.json (every run, oldest first) and the runtime's
evaluation (eval/eval-200.json from `momento eval --episodes 200 --json`). Stdlib only.

    python3 policies/model_card.py policies/memoryvla-sim [...]
"""
import json
import os
import sys


def pct(x):
    return f'{100 * x:.1f}'


def card(bundle: str) -> str:
    read = lambda f: json.load(open(os.path.join(bundle, f)))
    m, t, runs = read('policy.json'), read('train.json'), read('training-runs.json')['runs']
    ev = read('eval/eval-200.json')['runs']
    mem = m['memory']
    streams = ', '.join('%s %dx%d' % (s['name'], s['tokens'], s['dim']) for s in mem.get('streams', []))
    memory = {'none': 'none (the memoryless twin)',
              'hamlet': f"HAMLET: {mem.get('tokens')} moment tokens of width {mem.get('dim')}, window T = {mem.get('window')} calls",
              'memoryvla': f"MemoryVLA: banks of L = {mem.get('capacity')} ({streams}), {mem.get('write')} writes"}[mem['kind']]
    p = t['parameters']
    lines = [f"# {m['name']}", '', m['description'], '',
             '| | |', '|---|---|',
             f"| memory | {memory} |",
             f"| backbone | CNN over the 64x64 camera (channels {t['args'].get('conv')}), proprio MLP, task embedding; width {t['args'].get('dim')} |",
             f"| head | {m['head']['kind']} regression of a chunk of {m['action']['chunk']} actions, {m['action']['execute']} executed per call at {m['action']['rate_hz']} Hz |",
             f"| parameters | {p['total']:,} ({', '.join(f'{k} {v:,}' for k, v in p.items() if k != 'total')}) |",
             f"| files | {', '.join(sorted(f for f in os.listdir(bundle) if f.endswith('.onnx')))} ({sum(os.path.getsize(os.path.join(bundle, f)) for f in os.listdir(bundle) if f.endswith('.onnx')) / 1e6:.2f} MB) |",
             '', '## Data and training', '',
             'Behaviour cloning of the simulator\'s scripted experts (`momento collect`), whole episodes as '
             'sequences of policy calls, the memory rules of the runtime unrolled in training '
             '(`policies/train.py`). Training seeds start at 100000; evaluation seeds at 0.', '',
             '| run | date | GPU | from | data | steps | batch (episodes) | lr | seconds |', '|---|---|---|---|---|---|---|---|---|']
    for r in runs:
        lines.append(f"| {r['run']} | {r['date']} | {r['gpu']} | {r['init'] or 'scratch'} | {r['data']}; {r['expert']}{'; ' + r['note'] if r.get('note') else ''} | {r['steps']} | {r['batch_episodes']} | {r['lr']} | {r['seconds']} |")
    total = sum(r['seconds'] for r in runs)
    lines += ['', f"Total: {sum(r['steps'] for r in runs):,} steps in {total} s of training (devices as listed). "
              f"Final loss (normalised chunk MSE) {t['final_loss']:.4f}, validation {t['final_val_loss']:.4f}.",
              '', '## Evaluation (`momento eval`, runtime on CPU, 200 episodes per task, seeds 0-199)', '']
    for run in ev:
        lines += [f"**{run['label']}** ({run['device']}, {len(run['episodes'])} episodes in {run['seconds']:.1f} s)", '',
                  '| task | success % | 95% CI | memoryless chance % | mean steps | call p50 ms | call p99 ms | per-step p50 ms |', '|---|---|---|---|---|---|---|---|']
        for r in run['reports']:
            lines.append(f"| {r['task']} | {pct(r['rate'])} | [{pct(r['low'])}, {pct(r['high'])}] | {pct(r['chance'])} | {r['meanSteps']:.1f} | {r['latencyP50Ms']:.2f} | {r['latencyP99Ms']:.2f} | {'%.2f' % r['perStepP50Ms'] if 'perStepP50Ms' in r else '-'} |")
        lines.append('')
    lines += ['Call ms: one batched policy call of up to 8 concurrent sessions (`momento eval` batches them), not one step; '
              'per-step: the call time over the sessions in it.', '']
    lines += ['Reproduce: `npm run build && node dist/src/cli/main.js eval --policy ' + bundle + ' --episodes 200'
              + (' --ablation' if len(ev) > 1 else '') + ' --json ' + bundle + '/eval/eval-200.json --svg ' + bundle + '/eval/success.svg`. '
              'Chart: `eval/success.svg`. PyTorch parity on 100 recorded calls: `parity.json` '
              '(test/integration/bundles/reference-parity.test.ts).', '']
    return '\n'.join(lines)


if __name__ == '__main__':
    for b in sys.argv[1:]:
        with open(os.path.join(b, 'MODEL_CARD.md'), 'w') as f:
            f.write(card(b))
        print(f'wrote {b}/MODEL_CARD.md')
