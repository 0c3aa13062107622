/**
 * The adaptive part of a concurrency cap, one rule for every cap (the simulator's workers, the client's
 * calls): half as many at once when the server struggles, one more after as many good tasks in a row
 * as are allowed at once, never above `max`.
 */
export class AdaptiveLimit {
  private goodRun = 0;
  /** How many may run at once now. */
  current: number;
  /** Lowest limit it was brought down to (tests and metrics read it). */
  lowest: number;

  constructor(
    readonly max: number,
    owner = 'Limiter',
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`${owner}: max must be a positive integer, got ${max}`);
    this.current = max;
    this.lowest = max;
  }

  /** The server struggles: half as many at once (at least one). */
  slowDown(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.lowest = Math.min(this.lowest, this.current);
    this.goodRun = 0;
  }

  /** A task went well; true when that raised the limit by one (the caller hands the new slot out). */
  wentWell(): boolean {
    if (this.current >= this.max || ++this.goodRun < this.current) return false;
    this.current++;
    this.goodRun = 0;
    return true;
  }
}

/**
 * A counting semaphore: at most `limit` tasks run at once (never more than `max`), the rest wait in
 * FIFO order. The limit can be lowered and raised while tasks run (adaptive concurrency: a client
 * backs off when the server slows down, and comes back up as it keeps up).
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly cap: AdaptiveLimit;
  private woken = 0;
  /** Highest number of tasks seen running at once (tests and metrics read it). */
  peak = 0;

  constructor(max: number) {
    this.cap = new AdaptiveLimit(max);
  }

  get max(): number {
    return this.cap.max;
  }

  /** How many tasks may run at once now. */
  get limit(): number {
    return this.cap.current;
  }

  /** Lowest limit it was brought down to. */
  get lowest(): number {
    return this.cap.lowest;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // Waiters go first (FIFO); a woken one holds its place until it runs (`woken`), so no newcomer takes it.
    if (this.active + this.woken >= this.cap.current || this.waiting.length > 0) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.woken--;
    }
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      this.wake();
    }
  }

  slowDown(): void {
    this.cap.slowDown();
  }

  wentWell(): void {
    if (this.cap.wentWell()) this.wake();
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.active + this.woken < this.cap.current) {
      this.woken++;
      this.waiting.shift()!();
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: a random delay in [0, base·2^attempt], capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs = 10_000, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
