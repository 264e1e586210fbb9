// The short form of `npm run soak`, in `npm test`: 8 sessions, two rounds, each fault kind
// injected once at a fixed episode count (kill and restart the simulator process, SIGSTOP it past
// the request timeout, drop every socket). Structural assertions only: every episode is
// accounted for as a success, a failure or a marked fault, and every fault ran. No timing.
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, runSoak } from './soak-run.js';

describe('soak (short form)', () => {
  it('accounts for every episode through a simulator kill, a stall and dropped sockets', async () => {
    const report = await runSoak({ sessions: 8, rounds: 2, faultAtEpisodes: [3, 9, 15], warmupS: 0 });
    expect(report.faultsInjected).toEqual(Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])));
    expect(report.lost).toBe(0);
    expect(report.skipped).toBe(0);
    expect(report.abortedRounds).toBe(0);
    expect(report.rounds).toBe(2);
    const faults = Object.values(report.episodes.faults).reduce((a, b) => a + b, 0);
    expect(report.episodes.success + report.episodes.failure + faults).toBe(report.jobs);
    expect(Object.keys(report.episodes.faults).every((reason) => reason === 'connection lost')).toBe(true);
    expect(report.environmentCalls).toBeGreaterThan(0);
  }, 240_000);
});
