/**
 * A run's journal, between its writes to Moodle and the store. A change Moodle made is journalled
 * after its call; if the store cannot take the rows then (database restarting, disk full), they are
 * kept here — at most `maxKept` rows, a bounded memory — and written when the store is back, at the
 * end of the run. The first such failure stops the run's writes (no more changes piling up without a
 * record). Rows past the bound, or kept when the store never came back within the retry window, are
 * not journalled: the next run reads Moodle's state as it is and plans from it, so nothing is re-done
 * or undone by their absence; the run's record says how many there were.
 */
import type { JournalEntry, Store } from '../store/types';

export class RunJournal {
  private kept: JournalEntry[] = [];
  /** Rows of changes made in Moodle that no journal will hold (past the bound, or the store never came back). */
  unjournalled = 0;
  /** The first failure to write, when there was one. */
  failure?: Error;
  /** Platforms with changes made in Moodle whose rows the store did not take at once. */
  readonly failedOn = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly opts: { maxKept: number; onFailure: (err: Error) => void },
  ) {}

  /** Journals the rows of one call; never throws: a failure keeps them (bounded) and stops the run's writes. */
  readonly write = async (entries: JournalEntry[]): Promise<void> => {
    if (entries.length === 0) return;
    if (!this.failure) {
      try {
        await this.store.journal(entries);
        return;
      } catch (err) {
        this.failure = err as Error;
        this.opts.onFailure(err as Error);
      }
    }
    this.failedOn.add(entries[0]!.platform);
    const room = Math.max(0, this.opts.maxKept - this.kept.length);
    this.kept.push(...entries.slice(0, room));
    this.unjournalled += entries.length - Math.min(room, entries.length);
  };

  /** Rows waiting for the store. */
  get waiting(): number {
    return this.kept.length;
  }

  /** Writes the kept rows (once the store is back); throws if it still cannot, keeping them. */
  async flush(): Promise<number> {
    const rows = this.kept;
    if (rows.length === 0) return 0;
    await this.store.journal(rows);
    this.kept = [];
    return rows.length;
  }

  /** The store never came back: the kept rows are given up (the next run's reading of Moodle shows those changes). */
  giveUp(): void {
    this.unjournalled += this.kept.length;
    this.kept = [];
  }
}
