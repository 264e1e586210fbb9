// Task parameters on the wire: a client's reset params reach the simulator as sent, the episode's
// setting (params, chance, limit, split) comes back in every transition, the task list carries
// the parameter specs, and a reset without params (an old client) gets the seed's defaults.
import { describe, expect, it } from 'vitest';
import { pb } from '../../../src/core/wire.js';
import { SimEnv } from '../../../sim/env.js';
import { SimRequestError } from '../../../sim/errors.js';
import { listTasks, taskParamSpecs } from '../../../sim/tasks/registry.js';
import { decodeRequest, encodeTaskList, encodeTransition, resetParams } from '../../../sim/wire-codec.js';
import { decodeReply, encodeRequest } from '../../../src/transports/sim/sim-codec.js';

describe('task parameters on the wire', () => {
  it('a reset request carries its params to the simulator, name for name', () => {
    const frame = encodeRequest(3, { kind: 'reset', task: 'shell-game', seed: 9, mode: 'lockstep', imageSize: 0, params: { swaps: 7, cups: 4 } });
    const request = decodeRequest(frame);
    expect(request.reset?.task).toBe('shell-game');
    expect(resetParams(request.reset ?? {})).toEqual({ swaps: 7, cups: 4 });
  });

  it('an old client that sends no params gets the seed defaults', () => {
    const old = pb.SimRequest.encode({ id: 1, reset: { task: 'remember-colour', seed: 4 } }).finish();
    const params = resetParams(decodeRequest(old).reset ?? {});
    expect(params).toEqual({});
    expect(new SimEnv({ imageSize: 8 }).reset('remember-colour', 4, { params }).setting.params).toEqual(new SimEnv({ imageSize: 8 }).reset('remember-colour', 4).setting.params);
  });

  it('refuses a parameter named twice, and treats __proto__ as an unknown name', () => {
    const twice = pb.SimRequest.encode({ id: 1, reset: { task: 'shell-game', params: [{ name: 'swaps', value: 2 }, { name: 'swaps', value: 3 }] } }).finish();
    expect(() => resetParams(decodeRequest(twice).reset ?? {})).toThrow(SimRequestError);
    const proto = pb.SimRequest.encode({ id: 1, reset: { task: 'shell-game', params: [{ name: '__proto__', value: 2 }] } }).finish();
    const params = resetParams(decodeRequest(proto).reset ?? {});
    expect(() => new SimEnv({ imageSize: 8 }).reset('shell-game', 1, { params })).toThrow(/unknown parameter '__proto__'/);
  });

  it('every transition carries the episode setting back to the client', () => {
    const env = new SimEnv({ imageSize: 8 });
    const first = env.reset('button-sequence', 12, { params: { buttons: 5, gap: 9 } });
    const step = env.step([0, 0, -1]);
    for (const t of [first, step]) {
      const reply = decodeReply(encodeTransition(5, t, env.privilegedJson()));
      if (reply.kind !== 'transition') throw new Error(`expected a transition, got ${reply.kind}`);
      expect(reply.transition.setting).toEqual({ params: t.setting.params, memorylessChance: 1 / 120, maxSteps: t.setting.maxSteps, split: t.setting.split });
      expect(reply.transition.setting?.params).toMatchObject({ buttons: 5, gap: 9 });
    }
  });

  it('the task list carries each task\'s parameter specs', () => {
    const reply = decodeReply(encodeTaskList(2, listTasks()));
    if (reply.kind !== 'tasks') throw new Error(`expected tasks, got ${reply.kind}`);
    for (const info of reply.tasks) {
      const specs = taskParamSpecs(info.id);
      expect(info.params).toEqual(specs.map((s) => ({ name: s.name, kind: s.kind, train: s.train, limit: s.limit, values: s.values ?? [], legacy: s.legacy, description: s.description })));
    }
    expect(reply.tasks.find((t) => t.id === 'shell-game')).toMatchObject({ maxSteps: 80, memorylessChance: 1 / 3 });
  });
});
