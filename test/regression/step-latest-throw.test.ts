// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { of, config } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { stepLatest } from '../../src/streams/step-latest.js';

describe('stepLatest: a project function that throws', () => {
  it('errors the output (like concatMap/switchMap) instead of hanging', async () => {
    const unhandled: unknown[] = [];
    const prev = config.onUnhandledError;
    config.onUnhandledError = (e) => unhandled.push(e);
    try {
      const outcome = await new Promise<string>((resolve) => {
        of(1, 2).pipe(stepLatest((): Promise<number> => { throw new Error('bad frame'); }))
          .subscribe({ next: () => undefined, error: (e: Error) => resolve(`error: ${e.message}`), complete: () => resolve('complete') });
        // The throw is synchronous: its error is due before the next turn of the event loop.
        setImmediate(() => resolve('hung'));
      });
      expect(unhandled).toEqual([]);
      expect(outcome).toBe('error: bad frame');
    } finally {
      config.onUnhandledError = prev;
    }
  });
});
