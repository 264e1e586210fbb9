// `momento run --source ros://… --sink ros` as a child process against the rosbridge peer: it
// runs until SIGTERM, then exits 0 with a readable recording that replays with max |Δ| = 0;
// `momento ros check` lists the configured topics that exist and names what is missing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressHandlers } from '@mcap/support';
import { describe, expect, it } from 'vitest';
import { FakeRobot } from '../../peers/rosbridge/fake-robot.js';
import { RosbridgePeer } from '../../peers/rosbridge/rosbridge-peer.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { configYaml } from '../../helpers/ros-config.js';

const GUARD_MS = 40_000;

async function until(cond: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > GUARD_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('momento run --source ros://', () => {
  it('runs as a policy node, stops cleanly on SIGTERM with one hold, and its recording replays exactly', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'momento-ros-'));
    await using peer = await RosbridgePeer.start({ distro: 'ros2' });
    const robot = new FakeRobot(peer);
    try {
      const configFile = join(dir, 'robot.yaml');
      writeFileSync(configFile, configYaml('compressed', 'ros2'));
      const cmds: number[][] = [];
      peer.subscribe('/momento/cmd', 'std_msgs/msg/Float64MultiArray', (m) => cmds.push(m['data'] as number[]));
      robot.start();
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'run', '--policy', join(ROOT, 'policies/memoryvla-sim'), '--source', `ros://127.0.0.1:${peer.port}`, '--sink', 'ros', '--ros-config', configFile, '--record', join(dir, 'rec')], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await until(() => cmds.length >= 12, `12 actions (stdout: ${stdout}, stderr: ${stderr})`);
      const beforeStop = cmds.length;
      child.kill('SIGTERM');
      const code = await exited;
      expect(stderr).toContain('SIGTERM: stopping');
      expect(code).toBe(0);
      // The last message is the hold (zero velocity); unadvertised afterwards.
      await until(() => peer.advertiserCount('/momento/cmd') === 0, 'unadvertise');
      expect(cmds.length).toBeGreaterThan(beforeStop - 1);
      expect(cmds.at(-1)).toEqual([0, 0, 0]);
      expect(peer.hasService('/momento/reset')).toBe(false);

      const files = readdirSync(join(dir, 'rec'));
      expect(files).toHaveLength(1);
      const file = join(dir, 'rec', files[0]!);
      expect(stdout).toContain(`recorded ${file}`);
      const handle = await open(file, 'r');
      try {
        const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
        const topics = [...reader.channelsById.values()].map((c) => c.topic).sort();
        expect(topics).toEqual(['/action', '/camera/rgb', '/observation', '/policy/step']);
      } finally {
        await handle.close();
      }
      const replay = await runCli(['replay', file, '--policy', join(ROOT, 'policies/memoryvla-sim'), '--tolerance', '0']);
      expect(replay.stderr).toBe('');
      expect(replay.code).toBe(0);
      expect(replay.stdout).toMatch(/0\.00e\+0\s+0\.00e\+0\s+-\s+identical/);
    } finally {
      robot.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ros check lists the configured topics on the graph and names what is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'momento-ros-check-'));
    await using peer = await RosbridgePeer.start({ distro: 'ros2' });
    try {
      const configFile = join(dir, 'robot.yaml');
      writeFileSync(configFile, configYaml('raw', 'ros2'));
      peer.declareTopic('/camera/image_raw', 'sensor_msgs/msg/Image');
      const missing = await runCli(['ros', 'check', '--ros-config', configFile, '--url', peer.url]);
      expect(missing.stdout).toMatch(/camera rgb\s+\/camera\/image_raw\s+sensor_msgs\/Image\s+sensor_msgs\/msg\/Image\s+ok/);
      expect(missing.stdout).toMatch(/joints\s+\/joint_states\s+sensor_msgs\/JointState\s+\(missing\)\s+MISSING/);
      expect(missing.stdout).toContain('missing or wrong: /joint_states (not on the graph)');
      expect(missing.code).toBe(1);
      peer.declareTopic('/joint_states', 'sensor_msgs/msg/JointState');
      const ok = await runCli(['ros', 'check', '--ros-config', configFile, '--url', peer.url]);
      expect(ok.stdout).toContain('every configured input is on the graph with the expected type');
      expect(ok.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
