/** v limited to [lo, hi] (action limits, wherever an action is played or compared). */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
