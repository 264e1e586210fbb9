// The short form of `npm run soak`, in `npm test`: each fault kind injected once at a fixed point.
// Simulator: 8 sessions, two rounds (kill and restart the simulator process, SIGSTOP it past the
// request timeout, drop every socket). Policy server: 8 sessions stepping through a PolicyClient
// (kill and restart `momento serve`, SIGSTOP it, drop every socket). ROS: 2 nodes (restart the
// rosbridge peer, drop its sockets, stall the robot). Structural assertions only: every episode
// accounted for, every fault ran and was recovered from, no silent divergence. No timing.
import { describe, expect, it } from 'vitest';
import { ROS_FAULT_KINDS, runRosSoak } from './ros-soak.js';
import { runServerSoak } from './server-soak.js';
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

  it('accounts for every policy-server episode through a server kill, a stall and dropped sockets', async () => {
    const report = await runServerSoak({ sessions: 8, episodes: 32, steps: 10, faultAtEpisodes: [4, 12, 20], warmupS: 0 });
    expect(report.faultsInjected).toEqual(Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])));
    expect(report.serverStarts).toBe(2);
    expect(report.lost).toBe(0);
    // Ended with different chunks and no fault: steps lost without a word.
    expect(report.episodes.diverged).toBe(0);
    const faults = Object.values(report.episodes.faults).reduce((a, b) => a + b, 0);
    expect(report.episodes.held + faults).toBe(report.episodes.started);
    expect(report.episodes.started).toBe(32);
    // A fault may only end an episode as a typed refusal of a resume after the kill: the session's
    // snapshot on disk was behind ('session-lost') or not written yet ('no-session').
    expect(Object.keys(report.episodes.faults).every((reason) => reason === 'session-lost' || reason === 'no-session')).toBe(true);
    expect(report.episodes.held).toBeGreaterThan(0);
  }, 240_000);

  it('every ROS node steps again after a rosbridge restart, dropped sockets and a stalled robot', async () => {
    const report = await runRosSoak({ nodes: 2, faults: 3, downMs: 500, warmupS: 0 });
    expect(report.faultsInjected).toEqual(Object.fromEntries(ROS_FAULT_KINDS.map((k) => [k, 1])));
    expect(report.recovered).toBe(3);
    expect(report.lost).toBe(0);
    expect(report.episodes.ended).toBe(report.episodes.started);
    // Each node reconnected after the restart and after the drop.
    expect(report.reconnects).toBe(2 * 2);
    expect(report.holds).toBeGreaterThan(0);
    expect(report.frameErrors).toBe(0);
  }, 240_000);
});
