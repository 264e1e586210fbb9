import { describe, expect, it } from 'vitest';
import { openSession, parseWebgpuTuning, webgpuSessionOptions, webgpuTuning, WEBGPU_DEFAULTS } from '../../../src/onnx/session.js';
import { projectPath } from '../../../src/core/project-files.js';

describe('MOMENTO_WEBGPU: the WebGPU provider settings', () => {
  it('parses validation and pending, in any order, and maps them to onnxruntime-node options', () => {
    const t = parseWebgpuTuning('pending=128, validation=disabled');
    expect(t).toEqual({ pending: 128, validation: 'disabled' });
    expect(webgpuSessionOptions(t)).toEqual({
      executionProviders: [{ name: 'webgpu', validationMode: 'disabled' }],
      extra: { 'ep.webgpuexecutionprovider.maxNumPendingDispatches': '128' },
    });
    expect(webgpuSessionOptions({})).toEqual({ executionProviders: [{ name: 'webgpu' }] });
  });

  it('refuses unknown keys and values, naming the variable, the key and the value', () => {
    expect(() => parseWebgpuTuning('validation=off')).toThrow(/MOMENTO_WEBGPU: validation="off": expected one of full, basic, wgpuOnly, disabled/);
    expect(() => parseWebgpuTuning('pending=0')).toThrow(/pending="0": expected an integer from 1 to 4096/);
    expect(() => parseWebgpuTuning('pending=5000')).toThrow(/pending="5000"/);
    expect(() => parseWebgpuTuning('pending=1.5')).toThrow(/pending="1.5"/);
    expect(() => parseWebgpuTuning('graph=1')).toThrow(/unknown setting "graph" \(known: validation, pending\)/);
  });

  it('takes the defaults unless the environment overrides them', () => {
    expect(webgpuTuning({})).toEqual(WEBGPU_DEFAULTS);
    expect(webgpuTuning({ MOMENTO_WEBGPU: 'pending=32' })).toEqual({ ...WEBGPU_DEFAULTS, pending: 32 });
    expect(webgpuTuning({ MOMENTO_WEBGPU: '' })).toEqual(WEBGPU_DEFAULTS);
  });

  it('a bad MOMENTO_WEBGPU fails a session open on auto instead of falling back to the CPU quietly', async () => {
    const before = process.env['MOMENTO_WEBGPU'];
    process.env['MOMENTO_WEBGPU'] = 'validation=nope';
    try {
      await expect(openSession(projectPath('policies/memoryvla-sim/head.onnx'), 'auto', { threads: 1 })).rejects.toThrow(/MOMENTO_WEBGPU: validation="nope"/);
    } finally {
      if (before === undefined) delete process.env['MOMENTO_WEBGPU'];
      else process.env['MOMENTO_WEBGPU'] = before;
    }
  });
});
