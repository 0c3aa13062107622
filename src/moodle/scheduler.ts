/**
 * Who gets a platform's next free slot. Every Moodle call waits for one of the platform's slots
 * (MOODLE_<P>_CONCURRENCY, lowered while the site struggles); this decides the order, in two classes:
 *
 * - **Chat** (calls made inside `asCommand`): first come, first served *by command*, not by call. A
 *   plain FIFO of calls makes 200 commands advance in lockstep — each one's second call queues behind
 *   everyone's first — so nobody is answered until nearly everybody is. Here a call is ranked by the
 *   command it belongs to: a command that started is finished before a later one's calls take the
 *   slots, so answers come out one after another from the first second on.
 *   Rank = (the person's round, arrival). A person's first command still in progress is round 0, their
 *   second round 1, and so on: someone who sends ten commands at once gets their first answered in
 *   arrival order like everyone else, but their nine others only go ahead of commands that are also
 *   someone's second, third… — one person cannot hold everyone else up, and within a round the
 *   earliest command goes first. Pure arrival order would let one impatient person (or one script)
 *   delay everybody behind them; pure per-person round robin ignores how long each has waited.
 * - **Background** (every other call: the nightly run, a scoped sync): FIFO, as before. Half the
 *   slots (rounded down: three of six, two of four) are **kept for chat**: the sync never takes them,
 *   so a question's calls start at once even while the night runs, and the sync's own slots stay its
 *   own — chat takes one of them only when the sync leaves it idle. So a running sync keeps the
 *   throughput it has alone, and chat keeps a reserved share. When both wait, chat goes first until it
 *   holds its reserve (at least one slot: a question waits for at most one sync call, even on a site
 *   of one or two slots), then the sync up to its own slots, then chat again.
 *
 * Same public face as util/limiter's Limiter (run, slowDown, wentWell, limit, max, peak, lowest), so
 * the client's adaptive concurrency keeps working unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AdaptiveLimit } from '../util/limiter';

/** A chat command's place in line. */
interface Ticket {
  round: number;
  seq: number;
}

const commandTicket = new AsyncLocalStorage<Ticket>();
let arrivals = 0;
/** Per person, how many of their commands are in progress (for their next command's round). */
const inProgress = new Map<string, number>();

/**
 * Runs one chat command: every Moodle call made inside `work` (however deep, however parallel) is
 * ranked by this command's arrival and the person's round. `person` is the identity key (an empty key
 * — nobody — counts as one person of its own per call).
 */
export async function asCommand<T>(person: string, work: () => Promise<T>): Promise<T> {
  const key = person || `anonymous:${arrivals}`;
  const round = inProgress.get(key) ?? 0;
  inProgress.set(key, round + 1);
  try {
    return await commandTicket.run({ round, seq: ++arrivals }, work);
  } finally {
    const left = (inProgress.get(key) ?? 1) - 1;
    if (left > 0) inProgress.set(key, left);
    else inProgress.delete(key);
  }
}

/**
 * Runs `work` as background work even when called from a chat command (an admin's whole sync): its
 * calls queue with the sync's, FIFO, within the sync's share, whoever asked for it.
 */
export const asBackground = <T>(work: () => T): T => commandTicket.exit(work);

/** Whether the code runs inside a chat command (its calls are chat calls). */
export const inCommand = (): boolean => commandTicket.getStore() !== undefined;

interface Waiter {
  ticket?: Ticket;
  /** Order of arrival of the call itself (FIFO within a command, and in the background class). */
  order: number;
  go: () => void;
}

const before = (a: Waiter, b: Waiter): boolean => {
  const x = a.ticket!;
  const y = b.ticket!;
  return x.round !== y.round ? x.round < y.round : x.seq !== y.seq ? x.seq < y.seq : a.order < b.order;
};

/**
 * The share of a platform's slots the sync never takes (rounded down), so chat always finds one free.
 * Measured with bench:chat --sync 40000 (50 commands at 100 ms beside a whole sync of 146 calls; two
 * runs each, on this machine's two cores shared with the simulator): chat given three in four of four
 * slots while both waited — the sync +51 %, chat's p99 ×1.5; a third of six kept for chat — the sync
 * +2–24 %, chat ×3.4–4.2; half of six — the sync +9–33 %, chat ×2.3–2.4 with a p99 beside the sync
 * (4.7 s) as before and a faster one alone. Beyond that, what each loses is CPU, not slots.
 */
export const CHAT_RESERVE = 1 / 2;

/** Slots of `slots` the sync never takes: half, rounded down (none on a site of one slot). */
export const reservedForChat = (slots: number, share = CHAT_RESERVE): number => Math.floor(slots * share);

/** The most calls a sync has at once on a platform of `slots` slots. */
export const syncSlots = (slots: number, share = CHAT_RESERVE): number => Math.max(1, slots - reservedForChat(slots, share));

export class CallScheduler {
  private active = { chat: 0, background: 0 };
  private readonly chat: Waiter[] = [];
  private readonly background: Waiter[] = [];
  private readonly cap: AdaptiveLimit;
  private order = 0;
  /** A slot was just freed and is handed out on the next turn of the event loop (see release). */
  private settling = false;
  /** Highest number of calls seen running at once (tests and metrics read it). */
  peak = 0;

  constructor(
    max: number,
    private readonly chatReserve = CHAT_RESERVE,
  ) {
    this.cap = new AdaptiveLimit(max, 'CallScheduler');
  }

  get max(): number {
    return this.cap.max;
  }

  /** Lowest limit it was brought down to (tests and metrics read it). */
  get lowest(): number {
    return this.cap.lowest;
  }

  private get current(): number {
    return this.cap.current;
  }

  /** How many calls may run at once now. */
  get limit(): number {
    return this.current;
  }

  /** Calls waiting for a slot, per class (for "on it" and metrics). */
  get waiting(): { chat: number; background: number } {
    return { chat: this.chat.length, background: this.background.length };
  }

  /** The most calls the sync has at once now (the rest is chat's). */
  get backgroundMax(): number {
    return syncSlots(this.current, this.chatReserve);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const ticket = commandTicket.getStore();
    const cls = ticket ? 'chat' : 'background';
    const atCap = cls === 'background' && this.active.background >= this.backgroundMax;
    if (this.settling || atCap || this.busy() >= this.current || this.chat.length > 0 || this.background.length > 0) {
      await new Promise<void>((go) => this.enqueue({ ticket, order: ++this.order, go }));
    } else {
      this.active[cls]++;
    }
    this.peak = Math.max(this.peak, this.busy());
    try {
      return await task();
    } finally {
      this.active[cls]--;
      this.release();
    }
  }

  /**
   * A freed slot is handed out a moment later (setImmediate), not at once: the command whose call just
   * ended usually makes its next call within the same turn (its reply parsed, the next call built),
   * and that call must find the slot, or every command's second call would queue behind everyone's first.
   */
  private release(): void {
    if (this.settling) return;
    this.settling = true;
    setImmediate(() => {
      this.settling = false;
      this.dispatch();
    });
  }

  /** The server struggles: half as many at once (at least one). */
  slowDown(): void {
    this.cap.slowDown();
  }

  /** A call went well: after `limit` of them in a row, one more at once (up to max). */
  wentWell(): void {
    if (this.cap.wentWell()) this.dispatch();
  }

  private busy(): number {
    return this.active.chat + this.active.background;
  }

  private enqueue(w: Waiter): void {
    if (!w.ticket) this.background.push(w);
    else {
      // Sorted insert from the back: most calls belong to the newest command, so this is short.
      let i = this.chat.length;
      while (i > 0 && before(w, this.chat[i - 1]!)) i--;
      this.chat.splice(i, 0, w);
    }
    if (!this.settling) this.dispatch();
  }

  /**
   * Hands free slots out: chat first while it holds less than its reserve (at least one slot), then
   * the sync up to its own slots, then chat on whatever is left.
   */
  private dispatch(): void {
    const chatFirst = Math.max(1, reservedForChat(this.current, this.chatReserve));
    while (this.busy() < this.current) {
      let cls: 'chat' | 'background';
      if (this.chat.length > 0 && this.active.chat < chatFirst) cls = 'chat';
      else if (this.background.length > 0 && this.active.background < this.backgroundMax) cls = 'background';
      else if (this.chat.length > 0) cls = 'chat';
      else break;
      const w = cls === 'chat' ? this.chat.shift()! : this.background.shift()!;
      this.active[cls]++;
      w.go();
    }
  }
}
