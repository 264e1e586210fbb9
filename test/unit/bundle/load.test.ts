// Bundle loading errors: each failure names the bundle and the file, field or tensor at fault.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleError } from '../../../src/core/errors.js';
import { readManifest } from '../../../src/bundle/load.js';
import { Policy } from '../../../src/policy/policy.js';
import { BUNDLES } from '../../helpers/reference.js';
import { bundleCopy, removeBundleCopies } from '../../helpers/bundle-copy.js';

afterEach(removeBundleCopies);
const bundleWith = bundleCopy;

describe('bundle loading', () => {
  it('loads a valid bundle and hashes its files', () => {
    const { manifest, hash } = readManifest(join(BUNDLES, 'memoryvla-tiny'));
    expect(manifest.memory.kind).toBe('memoryvla');
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names a missing bundle folder and a missing manifest', () => {
    expect(() => readManifest('/nonexistent/policy-x')).toThrow(/bundle folder not found: \/nonexistent\/policy-x \[bundle=policy-x\]/);
    const dir = bundleWith('memoryless-tiny', () => {});
    rmSync(join(dir, 'policy.json'));
    expect(() => readManifest(dir)).toThrow(/missing manifest: .*policy\.json/);
  });

  it('names invalid JSON', () => {
    const dir = bundleWith('memoryless-tiny', () => {});
    writeFileSync(join(dir, 'policy.json'), '{"format": ');
    expect(() => readManifest(dir)).toThrow(/policy\.json: not valid JSON/);
  });

  it('names a bad field with its value', () => {
    const dir = bundleWith('memoryless-tiny', (m) => (m['action']['chunk'] = -3));
    expect(() => readManifest(dir)).toThrow(BundleError);
    expect(() => readManifest(dir)).toThrow(/field 'action\.chunk'.*got -3/);
  });

  it('names an unknown memory kind', () => {
    const dir = bundleWith('memoryless-tiny', (m) => (m['memory'] = { kind: 'lstm' }));
    expect(() => readManifest(dir)).toThrow(/field 'memory\.kind': unknown kind "lstm"/);
  });

  it('names lengths that disagree across fields', () => {
    const dir = bundleWith('memoryless-tiny', (m) => (m['action']['low'] = [-1, -1]));
    expect(() => readManifest(dir)).toThrow(/field 'action\.low': expected 3 values \(one per action name\), got 2/);
  });

  it('names a tensor the memory kind requires', () => {
    const dir = bundleWith('memoryvla-tiny', (m) => {
      m['graphs']['memory']['outputs'] = m['graphs']['memory']['outputs'].filter((t: { name: string }) => t.name !== 'cognitive_fused');
    });
    expect(() => readManifest(dir)).toThrow(/tensor 'cognitive_fused' \[batch, 1, 16\] is required for memory kind 'memoryvla'/);
  });

  it('names a missing graph file', () => {
    const dir = bundleWith('memoryless-tiny', () => {});
    rmSync(join(dir, 'head.onnx'));
    expect(() => readManifest(dir)).toThrow(/graph 'head': file not found: .*head\.onnx/);
  });

  it('names the graph, tensor, expected and actual when a graph disagrees with the manifest', async () => {
    const dir = bundleWith('memoryless-tiny', (m) => {
      const ctx = m['graphs']['encoder']['outputs'].find((t: { name: string }) => t.name === 'context');
      ctx.shape = ['batch', 32];
      const hctx = m['graphs']['head']['inputs'].find((t: { name: string }) => t.name === 'context');
      hctx.shape = ['batch', 32];
    });
    await expect(Policy.load(dir)).rejects.toThrow(/graph 'encoder' \(encoder\.onnx\): output 'context': dimension 1 expected 32, actual 24.*\[bundle=memoryless-tiny\]/);
  });

  it('names a graph input the manifest does not declare', async () => {
    const dir = bundleWith('memoryless-tiny', (m) => {
      m['graphs']['encoder']['inputs'] = m['graphs']['encoder']['inputs'].filter((t: { name: string }) => t.name !== 'task');
    });
    await expect(Policy.load(dir)).rejects.toThrow(/graph 'encoder'.*input 'task': required by the graph, not declared in the manifest/);
  });
});
