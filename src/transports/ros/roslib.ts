// The one import of roslib. Its package types (dist/RosLib.d.ts) re-export without file
// extensions, which NodeNext resolution cannot follow, and a tsconfig `paths` entry for 'roslib'
// would also redirect tsx's runtime resolution to the .d.ts. So the values come from the package
// as Node resolves it, typed by roslib's own declarations under dist/src.
import * as roslib from 'roslib';
import type * as RosLibTypes from '../../../node_modules/roslib/dist/src/RosLib.js';

const lib = roslib as unknown as typeof RosLibTypes;
export const { Ros, Topic, Service, AbstractTransport } = lib;
export type Ros = RosLibTypes.Ros;
export type Topic<T> = RosLibTypes.Topic<T>;
export type Service<Req, Res> = RosLibTypes.Service<Req, Res>;
export type { ITransportFactory, RosbridgeMessage } from '../../../node_modules/roslib/dist/src/RosLib.js';
