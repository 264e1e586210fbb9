// A check of a request frame's protobuf wire types before decoding it, so that a field sent with
// the wrong type (a number where a message belongs, a string for a float list) is refused with a
// typed error naming the field, instead of decoding to garbage or failing with a bare offset.
import protobuf from 'protobufjs/minimal.js';
import { ServerFault } from './fault.js';

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** A field: its name, the wire types it may arrive with, and the schema of its message, if any. */
type Field = readonly [name: string, wireTypes: readonly number[], message?: Schema];
interface Schema {
  readonly name: string;
  readonly fields: Readonly<Record<number, Field>>;
}

const TENSOR: Schema = { name: 'Tensor', fields: { 1: ['name', [LEN]], 2: ['dtype', [VARINT]], 3: ['shape', [LEN, VARINT]], 4: ['data', [LEN]] } };
const INSTRUCTION: Schema = { name: 'Instruction', fields: { 1: ['task_id', [LEN]], 2: ['text', [LEN]], 3: ['token_ids', [LEN, VARINT]] } };
const OBSERVATION: Schema = {
  name: 'Observation',
  fields: { 1: ['cameras', [LEN], TENSOR], 2: ['proprio', [LEN, FIXED32]], 3: ['instruction', [LEN], INSTRUCTION], 4: ['stamp_ns', [VARINT]], 5: ['index', [VARINT]] },
};
const REQUEST: Schema = {
  name: 'ServerRequest',
  fields: {
    1: ['id', [VARINT]],
    2: ['hello', [LEN]],
    3: ['open', [LEN]],
    4: ['resume', [LEN]],
    5: ['step', [LEN], { name: 'StepRequest', fields: { 1: ['observation', [LEN], OBSERVATION] } }],
    6: ['reset', [LEN]],
    7: ['snapshot', [LEN]],
    8: ['restore', [LEN]],
    9: ['close', [LEN]],
  },
};

const WIRE_NAMES: Readonly<Record<number, string>> = { [VARINT]: 'varint', [FIXED64]: 'fixed64', [LEN]: 'length-delimited', [FIXED32]: 'fixed32' };

function check(bytes: Uint8Array, schema: Schema, path: string): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    let tag: number;
    try {
      tag = reader.uint32();
    } catch {
      throw new ServerFault('bad-frame', path || schema.name, 'truncated', `${schema.name}: truncated field tag`);
    }
    const number = tag >>> 3;
    const wire = tag & 7;
    const field = schema.fields[number];
    const where = field ? (path ? `${path}.${field[0]}` : field[0]) : `${path || schema.name}#${number}`;
    if (field && !field[1].includes(wire)) {
      throw new ServerFault('bad-field', where, `wire type ${WIRE_NAMES[wire] ?? wire}`, `${schema.name}.${field[0]} must be ${field[1].map((w) => WIRE_NAMES[w]).join(' or ')}`);
    }
    try {
      if (wire === LEN && field?.[2]) {
        const inner = reader.bytes();
        check(inner, field[2], where);
      } else {
        reader.skipType(wire);
      }
    } catch (err) {
      if (err instanceof ServerFault) throw err;
      throw new ServerFault('bad-frame', where, `wire type ${WIRE_NAMES[wire] ?? wire}`, `${schema.name}: field ${number} runs past the end of the frame`);
    }
  }
}

/** Throws a ServerFault naming the first field whose wire type is wrong or that runs past the frame. */
export function checkRequestWireTypes(frame: Uint8Array): void {
  check(frame, REQUEST, '');
}
