// Faults during `evaluate` are reported, not fatal (issue 14): an episode whose connection drops
// with a request in flight, or whose action the simulator refuses, is marked failed and counted;
// the run reconnects and goes on; too many faults in a row abort it with what it has.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer } from '../../../sim/index.js';
import { Policy } from '../../../src/policy/policy.js';
import { reportRows, reportTasks, reportWarnings } from '../../../src/runtime/eval-report.js';
import { CONNECTION_LOST, evaluate } from '../../../src/runtime/evaluate.js';
import { bundleCopy, removeBundleCopies } from '../../helpers/bundle-copy.js';
import { BUNDLES } from '../../helpers/reference.js';

afterEach(removeBundleCopies);

const FAST_RECONNECT = { reconnectDelayMs: 1, maxReconnectDelayMs: 5, maxReconnects: 1 };

describe('evaluate with simulator faults', () => {
  it('marks the episode whose connection drops mid-request as failed (connection lost) and finishes the others', async () => {
    await using server = await startSimServer();
    await using policy = await Policy.load(`${BUNDLES}/hamlet-tiny`);
    let finished = 0;
    const { results, aborted, skipped } = await evaluate({
      policy, simUrl: server.url, tasks: ['reach'], episodes: 3, concurrency: 1, session: FAST_RECONNECT,
      // The 10th request after the first episode (inside the second one) drops its connection unanswered.
      onEpisode: () => (++finished === 1 ? server.dropAtRequest(10) : undefined),
    });
    expect(results.map((r) => r.fault)).toEqual([undefined, CONNECTION_LOST, undefined]);
    expect(results[1]).toMatchObject({ success: false, steps: 8 });
    expect(results[1]!.faultDetail).toMatch(/dropped/);
    expect(results[2]!.steps).toBe(40); // a whole episode on a fresh session
    expect(aborted).toBeUndefined();
    expect(skipped).toBe(0);
    const [report] = reportTasks(results);
    expect(report).toMatchObject({ task: 'reach', episodes: 3, faults: 1 });
    expect(reportRows([report!])[0]).toContain('1');
    expect(reportWarnings('hamlet-tiny', results)).toEqual(['hamlet-tiny: 1 of 3 episodes failed on a simulator fault (connection lost)']);
  });

  it('aborts after maxConsecutiveFaults when the simulator is gone, keeping the episodes it ran', async () => {
    const server = await startSimServer();
    await using policy = await Policy.load(`${BUNDLES}/hamlet-tiny`);
    const { results, aborted, skipped } = await evaluate({
      policy, simUrl: server.url, tasks: ['reach'], episodes: 6, concurrency: 1, session: FAST_RECONNECT, connectAttempts: 2, maxConsecutiveFaults: 2,
      onEpisode: (r) => (r.fault === undefined ? void server.close() : undefined),
    });
    expect(results.map((r) => r.fault)).toEqual([undefined, CONNECTION_LOST, CONNECTION_LOST]);
    expect(skipped).toBe(3);
    expect(aborted).toMatch(/2 episodes in a row failed on simulator faults \(last: connection lost/);
  });

  it("marks episodes whose actions the simulator refuses as failed, not the run", async () => {
    // Limits of ±2 and a wide action scale: the clamped actions fall outside the simulator's [-1, 1].
    const bundle = bundleCopy('hamlet-tiny', (m) => {
      m['action'].low = [-2, -2, -2];
      m['action'].high = [2, 2, 2];
      m['action'].std = [50, 50, 50];
    });
    await using server = await startSimServer();
    await using policy = await Policy.load(bundle);
    const { results, aborted } = await evaluate({ policy, simUrl: server.url, tasks: ['reach'], episodes: 2, concurrency: 1 });
    expect(aborted).toBeUndefined();
    expect(results.map((r) => r.fault)).toEqual(['action refused', 'action refused']);
    expect(results[0]!.faultDetail).toMatch(/must be a finite number in \[-1, 1\].*bad-action/);
  });

  it('counts chunks with non-finite values and warns about them', async () => {
    // float32 overflow in the de-normalisation: x * 3e38 + 3e38 is Infinity for x > 0.14.
    const bundle = bundleCopy('hamlet-tiny', (m) => {
      m['action'].mean = [3e38, 3e38, 3e38];
      m['action'].std = [3e38, 3e38, 3e38];
    });
    await using server = await startSimServer();
    await using policy = await Policy.load(bundle);
    const { results } = await evaluate({ policy, simUrl: server.url, tasks: ['reach'], episodes: 1, concurrency: 1 });
    expect(results[0]!.nonFiniteChunks).toBeGreaterThan(0);
    expect(results[0]!.fault).toBeUndefined();
    expect(reportTasks(results)[0]!.nonFiniteChunks).toBe(results[0]!.nonFiniteChunks);
    const [warning] = reportWarnings('inf', results);
    expect(warning).toMatch(/^inf: \d+ action chunks with NaN or infinite values in 1 episodes \(held instead\); first: reach seed 0: action chunk from stamp \d+: value -?Infinity/);
  });

  it('takes the control rate from the session and refuses a bundle at another rate', async () => {
    const bundle = bundleCopy('hamlet-tiny', (m) => (m['action'].rate_hz = 20));
    await using server = await startSimServer();
    await using policy = await Policy.load(bundle);
    await expect(evaluate({ policy, simUrl: server.url, tasks: ['reach'], episodes: 1 })).rejects.toThrow(
      "policy 'hamlet-tiny': action.rate_hz is 20, the simulator runs task 'reach' at 10 Hz",
    );
  });
});
