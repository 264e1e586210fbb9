// The simulator of history-dependent tasks: the WebSocket server (startSimServer), the in-process
// environment (SimEnv), the task table and the scripted experts. See sim/README.md.
export { startSimServer } from './server.js';
export { DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_SESSIONS } from './server.js';
export type { SimServer, SimServerCounters, SimServerOptions } from './server.js';
export { DEFAULT_MAX_BUFFERED_BYTES, SLOW_READER_CLOSE_CODE } from './server-session.js';
export { SimEnv, DEFAULT_IMAGE_SIZE, DEFAULT_MAX_IMAGE_SIZE } from './env.js';
export type { EnvTransition, EpisodeOutcome, EpisodeSetting, ResetOptions, SimEnvOptions } from './env.js';
export { MAX_QUOTED_CHARS, SimRequestError, quoted } from './errors.js';
export type { SimErrorCode } from './errors.js';
export { SeededRandom } from './random.js';
export { CONTROL_RATE_HZ, MAX_SPEED, STEP_NS } from './arm.js';
export { ACTION_FIELDS, ACTION_SPACE, parseAction } from './action.js';
export { TASK_IDS, expertAction, expertCommand, isTaskId, legacyTaskParams, listTasks, taskInfo, taskParamSpecs, taskParams } from './tasks/registry.js';
export { LIMIT_FACTOR, beyondParams, checkParam } from './tasks/params.js';
export type { ParamKind, ParamSpec, TaskParams } from './tasks/params.js';
export { SPLITS, SPLIT_BUCKETS, TRAIN_BUCKETS, canonicalJson, configurationSplit } from './tasks/split.js';
export type { Split } from './tasks/split.js';
export type { TaskId, TaskInfo, TaskState } from './tasks/registry.js';
