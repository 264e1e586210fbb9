// Regression tests for a hostile-bundle probe: manifest numbers without an upper bound hung or
// exhausted the loader (flow steps 1e9 hung, DDIM train_steps 1e9 allocated > 4 GB, an 8192x8192
// camera where the graph declares 16x16 allocated 1 GB before onnxruntime failed naming neither
// bundle nor field), `rate_hz` 1e-300 stamped actions at Infinity, and a graph `file` could name
// a path outside the bundle, a device or a pipe. Each is now refused at load with a named error.
import { execFileSync } from 'node:child_process';
import { mkdirSync, copyFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/bundle/load.js';
import { MANIFEST_LIMITS } from '../../src/bundle/manifest.js';
import { BundleError } from '../../src/core/errors.js';
import { Policy } from '../../src/policy/policy.js';
import { bundleCopy, removeBundleCopies, type Json } from '../helpers/bundle-copy.js';

afterEach(removeBundleCopies);

const refused = (dir: string, message: RegExp): void => {
  expect(() => readManifest(dir)).toThrow(BundleError);
  expect(() => readManifest(dir)).toThrow(message);
};

describe('manifest numbers are bounded', () => {
  it.each([
    ['flow head steps 1e9', 'hamlet-tiny', (m: Json) => (m['head'].steps = 1e9), /field 'head\.steps'.*got 1000000000/],
    ['DDIM train_steps 1e9', 'memoryless-tiny', (m: Json) => (m['head'].train_steps = 1e9), /field 'head\.train_steps'.*got 1000000000/],
    ['rate_hz 1e-300', 'memoryless-tiny', (m: Json) => (m['action'].rate_hz = 1e-300), /field 'action\.rate_hz'.*got 1e-300/],
    ['rate_hz 1e6', 'memoryless-tiny', (m: Json) => (m['action'].rate_hz = 1e6), /field 'action\.rate_hz'/],
    ['a camera of 8192 x 8192', 'memoryless-tiny', (m: Json) => Object.assign(m['observation'].cameras[0], { height: 8192, width: 8192 }), /field 'observation\.cameras\.0\.height'.*got 8192/],
    ['a bank of capacity 1e6', 'memoryvla-tiny', (m: Json) => (m['memory'].capacity = 1e6), /field 'memory\.capacity'/],
    ['a window of 1e6 calls', 'hamlet-tiny', (m: Json) => (m['memory'].window = 1e6), /field 'memory\.window'/],
    ['a chunk of 1e6 actions', 'memoryless-tiny', (m: Json) => (m['action'].chunk = 1e6), /field 'action\.chunk'/],
    ['a seed above uint32', 'memoryless-tiny', (m: Json) => (m['seed'] = 2 ** 40), /field 'seed'/],
    ['a tensor of rank 9', 'memoryless-tiny', (m: Json) => (m['graphs'].head.outputs[0].shape = ['batch', 1, 1, 1, 1, 1, 1, 1, 8]), /field 'graphs\.head\.outputs\.0\.shape'/],
    ['a bank row of 2^26 values', 'memoryvla-tiny', (m: Json) => Object.assign(m['memory'], { capacity: 4096 }, { streams: [{ name: 'perceptual', tokens: 4096, dim: 16 }, m['memory'].streams[1]] }), /field 'memory\.streams\.0 \(capacity x tokens x dim\)'.*more than the limit/],
  ])('%s', (_what, bundle, edit, message) => {
    refused(bundleCopy(bundle, edit), message);
  });

  it('a camera larger than the encoder declares is refused before anything is allocated, naming the camera and the tensor', () => {
    const dir = bundleCopy('memoryless-tiny', (m) => Object.assign(m['observation'].cameras[0], { height: 4096, width: 4096 }));
    refused(dir, /graphs\.encoder inputs tensor 'rgb': shape expected \[batch, 3, 4096, 4096\], got \[batch, 3, 16, 16\]/);
  });

  it('proprio and action sizes are compared with the graphs', () => {
    refused(bundleCopy('memoryless-tiny', (m) => Object.assign(m['observation'].proprio, { names: ['x', 'y', 'grip'], mean: [0, 0, 0], std: [1, 1, 1] })), /tensor 'proprio': shape expected \[batch, 3\], got \[batch, 4\]/);
    refused(bundleCopy('memoryless-tiny', (m) => (m['action'].chunk = 6)), /tensor 'actions': shape expected \[batch, 6, 3\], got \[batch, 8, 3\]/);
  });

});

describe('names', () => {
  it.each([
    ['an upper-case camera', (m: Json) => (m['observation'].cameras[0].name = 'RGB'), /field 'observation\.cameras\.0\.name': must match/],
    ['a stream with a dash', (m: Json) => (m['memory'].streams[0].name = 'per-ceptual'), /field 'memory\.streams\.0\.name': must match/],
    ['two streams of one name', (m: Json) => (m['memory'].streams[1].name = 'perceptual'), /field 'memory\.streams': name 'perceptual' appears twice/],
    ['a camera named as a runtime tensor', (m: Json) => (m['observation'].cameras[0].name = 'proprio'), /'proprio' is reserved/],
  ])('%s is refused', (_what, edit, message) => {
    refused(bundleCopy('memoryvla-tiny', edit), message);
  });
});

describe('graph files stay inside the bundle folder', () => {
  const withFile = (file: string, prepare: (dir: string) => void = () => {}): string => {
    const dir = bundleCopy('memoryless-tiny', (m) => (m['graphs'].encoder.file = file));
    prepare(dir);
    return dir;
  };

  it('../ outside the folder is refused', () => {
    const dir = withFile('../outside/encoder.onnx', (d) => {
      mkdirSync(join(dirname(d), 'outside'));
      copyFileSync(join(d, 'encoder.onnx'), join(dirname(d), 'outside', 'encoder.onnx'));
    });
    refused(dir, /graph 'encoder': file '\.\.\/outside\/encoder\.onnx' is outside the bundle folder/);
  });

  it('an absolute path is refused, not re-rooted', () => {
    refused(withFile('/dev/zero'), /graph 'encoder': file '\/dev\/zero' must be a path relative to the bundle folder/);
  });

  it('a symlink to /dev/zero or to a file outside is refused', () => {
    refused(withFile('zero.onnx', (d) => symlinkSync('/dev/zero', join(d, 'zero.onnx'))), /file 'zero\.onnx' is outside the bundle folder .*resolves to \/dev\/zero/);
    refused(
      withFile('linked.onnx', (d) => {
        copyFileSync(join(d, 'encoder.onnx'), join(dirname(d), 'elsewhere.onnx'));
        symlinkSync(join(dirname(d), 'elsewhere.onnx'), join(d, 'linked.onnx'));
      }),
      /file 'linked\.onnx' is outside the bundle folder/,
    );
  });

  it('a symlink that stays inside the folder is followed', async () => {
    const dir = withFile('graphs/encoder.onnx', (d) => {
      mkdirSync(join(d, 'graphs'));
      symlinkSync(join(d, 'encoder.onnx'), join(d, 'graphs', 'encoder.onnx'));
    });
    await using policy = await Policy.load(dir);
    expect(policy.manifest.graphs.encoder.file).toBe('graphs/encoder.onnx');
  });

  it('a named pipe or a folder is refused without being read', () => {
    refused(withFile('pipe.onnx', (d) => execFileSync('mkfifo', [join(d, 'pipe.onnx')])), /file 'pipe\.onnx' is not a regular file/);
    refused(withFile('folder.onnx', (d) => mkdirSync(join(d, 'folder.onnx'))), /file 'folder\.onnx' is not a regular file/);
  });

  it('a file above the size limit is refused without being read', () => {
    // A sparse file: its size is past the limit, its blocks are not allocated.
    const dir = withFile('huge.onnx', (d) => {
      writeFileSync(join(d, 'huge.onnx'), '');
      truncateSync(join(d, 'huge.onnx'), MANIFEST_LIMITS.graphBytes + 1);
    });
    refused(dir, new RegExp(`file 'huge\\.onnx' has ${MANIFEST_LIMITS.graphBytes + 1} bytes, more than the limit`));
    rmSync(join(dir, 'huge.onnx'));
  });

  it('a policy.json above the size limit is refused without being parsed', () => {
    const dir = bundleCopy('memoryless-tiny');
    writeFileSync(join(dir, 'policy.json'), ' '.repeat(MANIFEST_LIMITS.manifestBytes + 1));
    refused(dir, /policy\.json: \d+ bytes, more than the limit/);
  });
});
