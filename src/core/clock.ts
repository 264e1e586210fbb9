// The process's clocks on one scale: nanoseconds since the Unix epoch, advancing monotonically
// (performance.timeOrigin + performance.now(), immune to wall-clock steps). Recordings, live
// sources and the action clock's fallback share it; tests inject their own `NowNs`.

/** A clock in nanoseconds. */
export type NowNs = () => number;

/** The process's monotonic clock on the epoch scale. */
export const monotonicNowNs: NowNs = () => Math.round((performance.timeOrigin + performance.now()) * 1e6);
