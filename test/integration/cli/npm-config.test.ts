// The project's .npmrc: dependencies' install scripts stay off (onnxruntime-node's would download
// CUDA libraries from outside the registry) through a setting npm knows, so that no npm command
// here — `npx momento` included — starts with an "Unknown project config" warning.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

const run = promisify(execFile);

describe('.npmrc', () => {
  it('turns install scripts off with a setting npm knows, and npm warns about nothing', async () => {
    // Under `npm test`, npm passes its settings down as npm_config_* variables: read .npmrc, not those.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
    const { stdout, stderr } = await run('npm', ['config', 'get', 'ignore-scripts'], { cwd: ROOT, env });
    expect(stdout.trim()).toBe('true');
    expect(stderr).not.toMatch(/Unknown (project|user|env) config/);
    expect(stderr).toBe('');
  });
});
