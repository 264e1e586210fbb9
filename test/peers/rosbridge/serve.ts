// The rosbridge peer and a fake robot as a separate process, driven over stdio by JSON lines
// (the `ros` bench section uses it, so momento talks to a server in another process, as on a
// robot). Commands: {"cmd":"robot","size":64,"rateHz":10} starts the robot; {"cmd":"restart",
// "downMs":1000} kills the server and starts it again on the same port; {"cmd":"stats"} replies
// with latencies (peer clock, ms) from each camera frame's publication to the JointTrajectory
// stamped with it; {"cmd":"quit"}. Replies are JSON lines on stdout.
import { createInterface } from 'node:readline';
import { FakeRobot } from './fake-robot.js';
import { RosbridgePeer } from './rosbridge-peer.js';

const nowMs = (): number => performance.timeOrigin + performance.now();
let peer = await RosbridgePeer.start({ distro: 'ros2' });
const port = peer.port;
const published = new Map<number, number>();
const latencies: number[] = [];
let firstActionAfterRestart: number | undefined;
let restartedAt = 0;
let subscribedAt: number | undefined;
let robot: FakeRobot | undefined;

function listen(p: RosbridgePeer): void {
  p.subscribe('/momento/trajectory', 'trajectory_msgs/JointTrajectory', (m) => {
    const t = nowMs();
    const stamp = (m['header'] as { stamp: { sec: number; nanosec: number } }).stamp;
    // Stamps cross two ns ↔ (sec, nanosec) conversions in doubles: match within a microsecond.
    const key = stamp.sec * 1e9 + stamp.nanosec;
    let sent: number | undefined;
    for (const [k, v] of published) if (Math.abs(k - key) < 1000) sent = v;
    if (sent !== undefined) latencies.push(t - sent);
    firstActionAfterRestart ??= t;
  });
}
listen(peer);
const reply = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
reply({ ready: true, url: peer.url });

// Frames are stamped by the robot's tick; remember when each left the peer.
const origPublish = (p: RosbridgePeer): void => {
  const publish = p.publish.bind(p);
  p.publish = (topic, type, msg) => {
    if (topic === '/camera/image_raw') {
      const s = (msg['header'] as { stamp: { sec: number; nanosec: number } }).stamp;
      published.set(s.sec * 1e9 + s.nanosec, nowMs());
      if (published.size > 10_000) published.delete(published.keys().next().value!);
    }
    return publish(topic, type, msg);
  };
};
origPublish(peer);

for await (const line of createInterface({ input: process.stdin })) {
  const c = JSON.parse(line) as { cmd: string; size?: number; rateHz?: number; downMs?: number };
  if (c.cmd === 'robot') {
    robot?.stop();
    latencies.length = 0;
    robot = new FakeRobot(peer, { size: c.size ?? 64, rateHz: c.rateHz ?? 10, compressedTopic: '', stampClock: 'hr' });
    robot.start();
    reply({ ok: true });
  } else if (c.cmd === 'restart') {
    await peer.close();
    await new Promise((r) => setTimeout(r, c.downMs ?? 1000));
    peer = await RosbridgePeer.start({ distro: 'ros2', port });
    origPublish(peer);
    listen(peer);
    robot?.attach(peer);
    firstActionAfterRestart = undefined;
    subscribedAt = undefined;
    restartedAt = nowMs();
    const p = peer;
    const poll = setInterval(() => {
      if (p.subscriptionCount('/camera/image_raw') > 0 && p.subscriptionCount('/joint_states') > 0) {
        subscribedAt = nowMs();
        clearInterval(poll);
      }
    }, 1);
    reply({ ok: true });
  } else if (c.cmd === 'stats') {
    reply({
      latencies,
      resubscribedMs: subscribedAt === undefined ? null : subscribedAt - restartedAt,
      firstActionMs: firstActionAfterRestart === undefined ? null : firstActionAfterRestart - restartedAt,
    });
  } else if (c.cmd === 'quit') {
    robot?.stop();
    await peer.close();
    reply({ ok: true });
    break;
  }
}
