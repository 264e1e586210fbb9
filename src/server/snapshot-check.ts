// A memory snapshot from a client (restore) checked at the server's boundary before the policy
// sees it: every number it carries must be finite (timesteps, the noise spare, the float32 data of
// every token tensor and of the episode noise) and the step a safe integer, or a restored session
// would answer every later step with non-finite chunks. Refusals name the field:
// restore.snapshot.banks[0].entries[3].tokens.
import { pb, type momento } from '../core/wire.js';
import { ServerFault, shown } from './fault.js';

function checkTensor(t: momento.v1.ITensor | null | undefined, field: string): void {
  if (!t || t.dtype !== pb.DType.FLOAT32 || !t.data) return;
  const data = t.data;
  if (data.length % 4 !== 0) throw new ServerFault('bad-tensor', `${field}.data`, `${data.length} bytes`, 'float32 data must be a multiple of 4 bytes');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i += 4) {
    const v = view.getFloat32(i, true);
    if (!Number.isFinite(v)) throw new ServerFault('non-finite', `${field}.data[${i / 4}]`, String(v), 'snapshot values must be finite');
  }
}

export function checkSnapshotValues(snapshot: momento.v1.IMemorySnapshot): void {
  const at = 'restore.snapshot';
  const step = Number(snapshot.step ?? 0);
  if (!Number.isSafeInteger(step) || step < 0) throw new ServerFault('bad-field', `${at}.step`, shown(String(snapshot.step)), 'not a non-negative safe integer');
  if (snapshot.noiseSpare !== undefined && snapshot.noiseSpare !== null && !Number.isFinite(snapshot.noiseSpare)) throw new ServerFault('non-finite', `${at}.noise_spare`, String(snapshot.noiseSpare), 'must be finite');
  (snapshot.banks ?? []).forEach((bank, b) =>
    (bank.entries ?? []).forEach((entry, e) => {
      const where = `${at}.banks[${b}].entries[${e}]`;
      if (entry.timestep !== undefined && entry.timestep !== null && !Number.isFinite(entry.timestep)) throw new ServerFault('non-finite', `${where}.timestep`, String(entry.timestep), 'must be finite');
      checkTensor(entry.tokens, `${where}.tokens`);
    }),
  );
  (snapshot.window?.moments ?? []).forEach((m, i) => checkTensor(m, `${at}.window.moments[${i}]`));
  checkTensor(snapshot.episodeNoise, `${at}.episode_noise`);
}
