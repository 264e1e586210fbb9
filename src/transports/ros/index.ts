// The ROS transport: a rosbridge connection (roslib), the config file, observations assembled
// from topics, actions and holds published to the configured output.
export { RosConnection, ServiceTimeoutError } from './ros-connection.js';
export type { RosConnectionEvent, RosConnectionOptions, RosPublisher, SubscribeOptions } from './ros-connection.js';
export { RosConfigSchema, checkConfigAgainstManifest, loadRosConfig, parseRosConfig, proprioJointNames } from './ros-config.js';
export type { RosConfig, RosOutputConfig } from './ros-config.js';
export { ObservationAssembler } from './observation-assembler.js';
export type { AssemblerOptions, InputStamps, Sample } from './observation-assembler.js';
export { RosObservationSource } from './ros-source.js';
export { RosActionPublisher } from './ros-sink.js';
export { diagnosticArray, header, stampNs, rosTime } from './ros-messages.js';
export type { Distro, RosJointState } from './ros-messages.js';
export { RosbridgeSocket } from './rosbridge-socket.js';
export { checkRosTopics, type RosTopicCheck } from './ros-check.js';
