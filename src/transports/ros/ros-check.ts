// `momento ros check`: which configured topics exist on the graph, with their types, through the
// rosapi services (/rosapi/topics, /rosapi/topic_type), and what is missing or of another type.
import type { RosConfig } from './ros-config.js';
import type { RosConnection } from './ros-connection.js';

export interface RosTopicCheck {
  readonly role: string;
  readonly topic: string;
  readonly expected: string;
  /** The type on the graph; '' when the topic does not exist. */
  readonly actual: string;
  /** Inputs must exist; outputs and the status topic are created by momento. */
  readonly required: boolean;
  readonly ok: boolean;
}

/** 'sensor_msgs/msg/Image' and 'sensor_msgs/Image' are the same type. */
export function sameRosType(a: string, b: string): boolean {
  const norm = (t: string): string => t.replace(/^([^/]+)\/(?:msg|srv)\/([^/]+)$/, '$1/$2');
  return norm(a) === norm(b);
}

export async function checkRosTopics(connection: RosConnection, config: RosConfig, timeoutMs = 2000): Promise<RosTopicCheck[]> {
  const listed = await connection.callService<{ topics: string[]; types?: string[] }>('/rosapi/topics', 'rosapi/Topics', {}, timeoutMs);
  const known = new Set(listed.topics);
  const wanted: { role: string; topic: string; expected: string; required: boolean }[] = [
    ...Object.entries(config.inputs.cameras).map(([name, c]) => ({ role: `camera ${name}`, topic: c.topic, expected: c.type, required: true })),
    { role: 'joints', topic: config.inputs.joints.topic, expected: config.inputs.joints.type, required: true },
    ...(config.inputs.instruction ? [{ role: 'instruction', topic: config.inputs.instruction.topic, expected: config.inputs.instruction.type, required: false }] : []),
    { role: 'output', topic: config.output.topic, expected: config.output.type, required: false },
  ];
  const checks: RosTopicCheck[] = [];
  for (const w of wanted) {
    const actual = known.has(w.topic) ? (await connection.callService<{ type: string }>('/rosapi/topic_type', 'rosapi/TopicType', { topic: w.topic }, timeoutMs)).type : '';
    checks.push({ ...w, actual, ok: actual === '' ? !w.required : sameRosType(actual, w.expected) });
  }
  return checks;
}
