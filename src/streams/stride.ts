// strideByStamp: keeps one frame per stride of capture time — the first frame, then the first
// whose stamp is at least `strideNs` after the last one kept. A live policy that executes k
// actions per call must be called every k control periods, as in training (its memory's stride).
import { defer, filter, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Each subscription keeps its own stride (a second subscriber, or a `retry`, starts afresh).
 * @example
 * // frames every 100 ms, stride 400 ms: keeps the frames at 0, 400, 800 ms …
 * observation$.pipe(strideByStamp(400e6, 50e6))
 */
export function strideByStamp<T extends { readonly stampNs: number }>(strideNs: number, toleranceNs = 0): MonoTypeOperatorFunction<T> {
  if (!(strideNs >= 0)) throw new RangeError(`strideByStamp: stride must be >= 0 ns, got ${strideNs}`);
  return (source$) =>
    defer(() => {
      let last: number | undefined;
      return source$.pipe(
        filter((frame) => {
          if (last !== undefined && frame.stampNs < last + strideNs - toleranceNs) return false;
          last = frame.stampNs;
          return true;
        }),
      );
    });
}
