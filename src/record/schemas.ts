// Schemas that go into a recording: binary FileDescriptorSets built at run time from
// proto/momento.proto and from @foxglove/schemas' RawImage definition, so that any MCAP reader
// (Foxglove, the mcap CLI, Python's protobuf pool) can decode the messages without our code.
import { readFileSync } from 'node:fs';
import { projectPath } from '../core/project-files.js';
import foxgloveSchemas from '@foxglove/schemas/internal.js';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';

/** A schema as registered with McapWriter: fully qualified message name + FileDescriptorSet. */
export interface RecordSchema {
  readonly name: string;
  readonly encoding: 'protobuf';
  readonly data: Uint8Array;
  /** The message type, for encoding/decoding with the very descriptor that was recorded. */
  readonly type: protobuf.Type;
}

export const RAW_IMAGE_SCHEMA = 'foxglove.RawImage';
const TIMESTAMP_FILE = 'google/protobuf/timestamp.proto';

type FileDescriptorProto = descriptor.IFileDescriptorProto;
type DescriptorProto = descriptor.IDescriptorProto;

/**
 * protobufjs writes type references as they were spelled in the .proto ("Tensor"); protoc writes
 * them fully qualified (".momento.v1.Tensor"), and strict readers resolve only those.
 */
function qualifyTypeNames(root: protobuf.Root, scope: string, message: DescriptorProto): void {
  const fullName = `${scope}.${message.name ?? ''}`;
  const type = root.lookupType(fullName);
  for (const field of message.field ?? []) {
    if (field.typeName && !field.typeName.startsWith('.') && field.name) {
      const resolved = type.fields[field.name]?.resolvedType;
      if (!resolved) throw new Error(`${fullName}.${field.name}: unresolved type ${field.typeName}`);
      field.typeName = resolved.fullName;
    }
  }
  for (const nested of message.nestedType ?? []) qualifyTypeNames(root, fullName, nested);
}

/**
 * Root.toDescriptor names files after their package and leaves `dependency` empty (see
 * DEPENDENCIES.md); readers backed by a real descriptor pool reject such a set. We rename the files
 * and declare the imports ourselves, dependencies first.
 */
function descriptorSet(
  root: protobuf.Root,
  files: ReadonlyMap<string, { name: string; dependency: readonly string[] }>,
): Uint8Array {
  root.resolveAll();
  const set = root.toDescriptor('proto3');
  const ordered: FileDescriptorProto[] = [];
  for (const [pkg, spec] of files) {
    const file = set.file.find((f) => f.package === pkg);
    if (!file) throw new Error(`descriptor set has no file for package ${pkg}`);
    file.name = spec.name;
    file.dependency = [...spec.dependency];
    for (const message of file.messageType ?? []) qualifyTypeNames(root, `.${pkg}`, message);
    ordered.push(file);
  }
  set.file = ordered;
  return descriptor.FileDescriptorSet.encode(set).finish();
}

let momentoCache: { root: protobuf.Root; data: Uint8Array } | undefined;

/** The momento.v1 schema for `messageName` (e.g. "StepResult"), from proto/momento.proto. */
export function momentoSchema(messageName: string): RecordSchema {
  if (!momentoCache) {
    const root = new protobuf.Root();
    // keepCase: the recorded descriptor must carry the .proto field names (stamp_ns, not stampNs).
    protobuf.parse(readFileSync(projectPath('proto/momento.proto'), 'utf8'), root, { keepCase: true });
    const data = descriptorSet(root, new Map([['momento.v1', { name: 'momento.proto', dependency: [] }]]));
    momentoCache = { root, data };
  }
  const name = `momento.v1.${messageName}`;
  return { name, encoding: 'protobuf', data: momentoCache.data, type: momentoCache.root.lookupType(name) };
}

let rawImageCache: RecordSchema | undefined;

/** foxglove.RawImage as @foxglove/schemas defines it for protobuf (what Foxglove's Image panel expects). */
export function rawImageSchema(): RecordSchema {
  if (rawImageCache) return rawImageCache;
  const { foxgloveMessageSchemas, generateProto } = foxgloveSchemas;
  const text = generateProto(foxgloveMessageSchemas.RawImage, []);
  const root = new protobuf.Root();
  const parsed = protobuf.parse(text, root, { keepCase: true });
  // protobufjs ships the well-known types as JSON; add the one RawImage imports.
  for (const imported of parsed.imports ?? []) {
    const json = protobuf.common.get(imported);
    if (!json) throw new Error(`RawImage imports ${imported}, which protobufjs does not ship`);
    root.addJSON(json.nested ?? {});
  }
  const data = descriptorSet(
    root,
    new Map([
      ['google.protobuf', { name: TIMESTAMP_FILE, dependency: [] }],
      ['foxglove', { name: 'foxglove/RawImage.proto', dependency: [TIMESTAMP_FILE] }],
    ]),
  );
  rawImageCache = { name: RAW_IMAGE_SCHEMA, encoding: 'protobuf', data, type: root.lookupType(RAW_IMAGE_SCHEMA) };
  return rawImageCache;
}
