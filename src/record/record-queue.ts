// The recorder's bounded queue between the synchronous EpisodeSink calls and the async writer.
// When it is full, something is dropped at once, in a fixed order of value: camera images first
// (largest, and the episode stays interpretable without a few), then observations, then steps and
// actions. Control items (open/close an episode) are never dropped and never count.

/** Eviction classes, cheapest to lose first. */
export type DropClass = 'camera' | 'observation' | 'other';
const DROP_ORDER: readonly DropClass[] = ['camera', 'observation', 'other'];

export interface QueueItem {
  /** undefined for control items. */
  readonly dropClass: DropClass | undefined;
  /** Approximate bytes held while queued. */
  readonly weight: number;
}

export interface RecordQueueLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
}

export class RecordQueue<T extends QueueItem> {
  readonly #items: T[] = [];
  readonly #limits: RecordQueueLimits;
  readonly #onDrop: (item: T) => void;
  #messages = 0;
  #bytes = 0;

  constructor(limits: RecordQueueLimits, onDrop: (item: T) => void) {
    if (!(limits.maxItems >= 1)) throw new RangeError(`maxQueue must be >= 1, got ${limits.maxItems}`);
    if (!(limits.maxBytes >= 1)) throw new RangeError(`maxQueueBytes must be >= 1, got ${limits.maxBytes}`);
    this.#limits = limits;
    this.#onDrop = onDrop;
  }

  get length(): number {
    return this.#items.length;
  }

  /** Queued messages (control items excluded) and their bytes. */
  get messages(): number {
    return this.#messages;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Adds an item, dropping (and reporting) others or the item itself to stay within the limits. Never waits. */
  push(item: T): void {
    if (item.dropClass === undefined) {
      this.#items.push(item);
      return;
    }
    while (this.#messages + 1 > this.#limits.maxItems || this.#bytes + item.weight > this.#limits.maxBytes) {
      const victim = this.#victimIndex(item.dropClass);
      if (victim < 0) {
        // Everything queued is worth more than the newcomer (or nothing is queued and it alone is
        // too big): the newcomer goes.
        this.#onDrop(item);
        return;
      }
      const [dropped] = this.#items.splice(victim, 1);
      if (dropped) {
        this.#account(dropped, -1);
        this.#onDrop(dropped);
      }
    }
    this.#items.push(item);
    this.#account(item, 1);
  }

  shift(): T | undefined {
    const item = this.#items.shift();
    if (item) this.#account(item, -1);
    return item;
  }

  /** Oldest queued message of the cheapest class that is not worth more than `incoming`; -1 if none. */
  #victimIndex(incoming: DropClass): number {
    for (const cls of DROP_ORDER) {
      const index = this.#items.findIndex((queued) => queued.dropClass === cls);
      if (index >= 0) return index;
      if (cls === incoming) return -1;
    }
    return -1;
  }

  #account(item: T, sign: 1 | -1): void {
    if (item.dropClass === undefined) return;
    this.#messages += sign;
    this.#bytes += sign * item.weight;
  }
}
