// The bundle's contract as the server announces it (PolicyContract), and the check of a client's
// declared contract against it: a zero or empty field declares nothing; anything declared must match.
import type { Manifest } from '../bundle/manifest.js';
import type { momento } from '../core/wire.js';

export function contractOf(manifest: Manifest, hash: string): momento.v1.IPolicyContract {
  return {
    bundle: manifest.name,
    bundleHash: hash,
    cameras: manifest.observation.cameras.map((c) => ({ name: c.name, height: c.height, width: c.width, channels: c.channels })),
    proprioNames: [...manifest.observation.proprio.names],
    tasks: [...(manifest.observation.instruction?.tasks ?? [])],
    actionNames: [...manifest.action.names],
    chunk: manifest.action.chunk,
    execute: manifest.action.execute,
    rateHz: manifest.action.rate_hz,
    memoryKind: manifest.memory.kind,
    headKind: manifest.head.kind,
  };
}

/** Why `expect` (what a client declared) disagrees with `actual`; empty when compatible. */
export function contractProblems(expect: momento.v1.IPolicyContract, actual: momento.v1.IPolicyContract): string[] {
  const problems: string[] = [];
  const scalar = (field: string, want: string | number | null | undefined, have: string | number | null | undefined): void => {
    if (want === undefined || want === null || want === '' || want === 0) return;
    if (want !== have) problems.push(`${field}: client expects ${JSON.stringify(want)}, the server's bundle has ${JSON.stringify(have)}`);
  };
  const list = (field: string, want: readonly string[] | null | undefined, have: readonly string[] | null | undefined): void => {
    if (!want || want.length === 0) return;
    if (want.join('\u0000') !== (have ?? []).join('\u0000')) problems.push(`${field}: client expects [${want.join(', ')}], the server's bundle has [${(have ?? []).join(', ')}]`);
  };
  scalar('bundle', expect.bundle, actual.bundle);
  scalar('bundle_hash', expect.bundleHash, actual.bundleHash);
  for (const cam of expect.cameras ?? []) {
    const have = (actual.cameras ?? []).find((c) => c.name === cam.name);
    if (!have) {
      problems.push(`cameras: client sends '${cam.name}', the server's bundle has ${(actual.cameras ?? []).map((c) => `'${c.name}'`).join(', ')}`);
      continue;
    }
    scalar(`cameras.${cam.name}.height`, cam.height, have.height);
    scalar(`cameras.${cam.name}.width`, cam.width, have.width);
    scalar(`cameras.${cam.name}.channels`, cam.channels, have.channels);
  }
  list('proprio_names', expect.proprioNames, actual.proprioNames);
  list('action_names', expect.actionNames, actual.actionNames);
  for (const task of expect.tasks ?? []) if (!(actual.tasks ?? []).includes(task)) problems.push(`tasks: client uses '${task}', the server's bundle knows [${(actual.tasks ?? []).join(', ')}]`);
  scalar('chunk', expect.chunk, actual.chunk);
  scalar('execute', expect.execute, actual.execute);
  scalar('rate_hz', expect.rateHz, actual.rateHz);
  scalar('memory_kind', expect.memoryKind, actual.memoryKind);
  scalar('head_kind', expect.headKind, actual.headKind);
  return problems;
}
