// The WebSocket simulator transport: sessions that are observation sources and action sinks.
export { SimClient } from './sim-client.js';
export { SimSession, SimServerError } from './sim-session.js';
export type { SimResetOptions, SimSessionOptions } from './sim-session.js';
export type { SimMode, SimTaskInfo, SimTransition } from './sim-codec.js';
export { SimConnectionError } from './sim-connection.js';
export type { SimConnectionFailure } from './sim-connection.js';
