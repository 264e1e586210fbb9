// The CLI at the boundary a user touches: `momento inspect` and `momento run` in a child process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { BUNDLES } from '../../helpers/reference.js';

describe('momento inspect', () => {
  it('prints the contract of a bundle as tables', async () => {
    const r = await runCli(['inspect', join(BUNDLES, 'memoryvla-tiny')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bundle memoryvla-tiny .* hash [0-9a-f]{16}\s+\(graphs validated\)/);
    expect(r.stdout).toMatch(/memory\s+memoryvla: L=4 write=fused eviction=merge streams perceptual 4x16, cognitive 1x16/);
    expect(r.stdout).toMatch(/memory \(memory\.onnx\)\s+in\s+perceptual float32\[batch, 4, 16\]/);
    expect(r.stdout).toMatch(/out\s+actions float32\[batch, 8, 3\]/);
  });

  it('fails with one line naming the bundle when it does not exist', async () => {
    const r = await runCli(['inspect', '/no/such/bundle']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('momento: bundle folder not found: /no/such/bundle [bundle=bundle]');
  });
});

describe('momento run', () => {
  it('runs a bundle on a generated source and reports steps and timings', async () => {
    const r = await runCli(['run', '--policy', join(BUNDLES, 'hamlet-tiny'), '--source', 'synthetic:12', '--sink', 'log']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^12 steps, 48 actions, 0 dropped frames, 0 holds on cpu$/m);
    expect(r.stdout.match(/^\d+ act \[/gm)).toHaveLength(48);
    expect(r.stdout).toMatch(/preprocess [\d.]+ · encoder [\d.]+ · memory [\d.]+ · head [\d.]+ · total [\d.]+ ms/);
  });

  it('rejects a bad option value, naming it', async () => {
    const r = await runCli(['run', '--policy', join(BUNDLES, 'hamlet-tiny'), '--device', 'tpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--device: expected auto, gpu or cpu, got 'tpu'");
  });
});
