// The protobuf messages of proto/momento.proto, configured so that 64-bit integers decode to
// plain numbers (stamps in ns stay below 2^53 for the next century). Import messages from here,
// never from src/gen directly, so that the configuration always runs first.
import protobuf from 'protobufjs/minimal.js';

protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

export { momento } from '../gen/momento.js';
import { momento } from '../gen/momento.js';

export const pb = momento.v1;
