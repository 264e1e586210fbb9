// --snapshot-dir: each session's state (SessionRecord: id, token hash, seed, MemorySnapshot) in
// one file, rewritten atomically (temp file + rename) after every N steps, so a restarted server
// resumes its sessions. Writes run off the step path, latest-only per session.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pb, type momento } from '../core/wire.js';

const SESSION_ID = /^[0-9a-f]{32}$/;
const SUFFIX = '.session';
/** Largest session file read back (a memory snapshot of a bundle is well under this). */
const MAX_FILE_BYTES = 64 * 2 ** 20;

export class SnapshotStore {
  private readonly writing = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, momento.v1.ISessionRecord | null>();
  /** Bytes and time of the writes so far (for the bench: cost per step). */
  readonly stats = { writes: 0, bytes: 0, ms: 0 };

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = console.warn,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Every readable session record in the folder; unreadable files are named in a warning and skipped. */
  load(): momento.v1.SessionRecord[] {
    const records: momento.v1.SessionRecord[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(SUFFIX)) continue;
      const file = join(this.dir, name);
      try {
        const size = statSync(file).size;
        if (size > MAX_FILE_BYTES) throw new RangeError(`${size} bytes, more than ${MAX_FILE_BYTES}`);
        const record = pb.SessionRecord.decode(readFileSync(file));
        if (!SESSION_ID.test(record.sessionId) || `${record.sessionId}${SUFFIX}` !== name) throw new RangeError(`session_id '${record.sessionId.slice(0, 40)}' does not match the file name`);
        records.push(record);
      } catch (err) {
        this.warn(`momento serve: --snapshot-dir: skipping ${file}: ${(err as Error).message}`);
      }
    }
    return records;
  }

  /** Schedules a write of `record` (a later save of the same session replaces a queued one). */
  save(record: momento.v1.ISessionRecord): void {
    this.enqueue(record.sessionId ?? '', record);
  }

  /** Schedules the removal of a session's file. */
  remove(sessionId: string): void {
    this.enqueue(sessionId, null);
  }

  /** Resolves when every queued write and removal is done. */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
  }

  private enqueue(id: string, record: momento.v1.ISessionRecord | null): void {
    if (!SESSION_ID.test(id)) throw new RangeError(`session id '${id.slice(0, 40)}' is not 32 hex digits`);
    this.queued.set(id, record);
    if (!this.writing.has(id)) this.writing.set(id, this.drain(id));
  }

  private async drain(id: string): Promise<void> {
    const file = join(this.dir, `${id}${SUFFIX}`);
    try {
      while (this.queued.has(id)) {
        const record = this.queued.get(id)!;
        this.queued.delete(id);
        try {
          if (record === null) {
            await rm(file, { force: true });
          } else {
            const t0 = performance.now();
            const bytes = pb.SessionRecord.encode(record).finish();
            const tmp = `${file}.tmp`;
            await writeFile(tmp, bytes);
            await rename(tmp, file);
            this.stats.writes++;
            this.stats.bytes += bytes.length;
            this.stats.ms += performance.now() - t0;
          }
        } catch (err) {
          this.warn(`momento serve: --snapshot-dir: ${file}: ${(err as Error).message}`);
        }
      }
    } finally {
      this.writing.delete(id);
    }
  }
}
