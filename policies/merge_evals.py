"""Merge `momento eval --json` files of one bundle and setting run as parallel processes (one task
each) into one file shaped like a single run's, plus its text table. Stdlib only.

    python3 policies/merge_evals.py --out BUNDLE/eval/beyond-2-200.json PART.json [...]

The merged run keeps the first part's fields, the reports and episodes of every part in the order
given, `seconds` summed over the parts (process time, not wall clock) and `processes`: the count.
A missing or unreadable part is left out and named on stderr (its task is then absent).
"""
import argparse
import json
import os
import sys


def table(run: dict) -> str:
    pct = lambda x: f'{100 * x:.1f}'  # noqa: E731
    lines = [f"{run['label']}: {run.get('bundle')} on {run.get('device')}, {len(run.get('episodes', []))} episodes in "
             f"{run['seconds']:.1f} s of process time over {run.get('processes', 1)} processes"
             + (f", {run['split']} configurations" if run.get('split') else ''),
             f"{'task':16}  {'episodes':>8}  {'success %':>9}  {'95% CI':13}  {'chance %':>8}  {'mean steps':>10}  {'p50 ms':>6}  {'p99 ms':>6}",
             f"{'-' * 16}  {'-' * 8}  {'-' * 9}  {'-' * 13}  {'-' * 8}  {'-' * 10}  {'-' * 6}  {'-' * 6}"]
    for r in run['reports']:
        ch = r.get('chance')
        lines.append(f"{r['task']:16}  {r['episodes']:>8}  {pct(r['rate']):>9}  {'[' + pct(r['low']) + ', ' + pct(r['high']) + ']':13}  "
                     f"{pct(ch) if ch is not None else '-':>8}  {r['meanSteps']:>10.1f}  {r['latencyP50Ms']:>6.2f}  {r['latencyP99Ms']:>6.2f}")
    return '\n'.join(lines) + '\n'


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('parts', nargs='+')
    args = ap.parse_args(argv)
    merged = None
    for p in args.parts:
        try:
            with open(p) as f:
                run = json.load(f)['runs'][0]
        except (OSError, ValueError, KeyError, IndexError) as err:
            print(f'merge_evals: {p} left out: {err}', file=sys.stderr)
            continue
        if merged is None:
            merged = dict(run, reports=list(run['reports']), episodes=list(run.get('episodes', [])), processes=1)
        else:
            merged['reports'] += run['reports']
            merged['episodes'] += run.get('episodes', [])
            merged['seconds'] += run['seconds']
            merged['processes'] += 1
    if merged is None:
        print(f'merge_evals: no readable part for {args.out}', file=sys.stderr)
        return 1
    with open(args.out, 'w') as f:
        json.dump({'runs': [merged]}, f, indent=2)
        f.write('\n')
    with open(os.path.splitext(args.out)[0] + '.txt', 'w') as f:
        f.write(table(merged))
    print(table(merged), end='')
    return 0


if __name__ == '__main__':
    sys.exit(main())
