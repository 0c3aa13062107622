/**
 * The run lease: one sync (run, approval or rejection) at a time across processes and replicas.
 * Acquire it, keep it renewed while the run lasts, fence every write of the run with it, release it.
 * The fence is the run's own (it travels in the run's async context, `callScope`): work that shares
 * the Moodle clients — a chat command in the same `serve` — is never fenced by, nor renews, a run's lease.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../log';
import type { Store } from '../store/types';

export const RUN_LEASE = 'sync';

export class RunInProgressError extends Error {
  constructor(readonly holder: string, readonly expiresAt: string) {
    super(`a sync run is already in progress (${holder}, lease until ${expiresAt}); try again when it has finished`);
  }
}

/** This process no longer holds the run lease (another replica took it over): it must not write. */
export class LeaseLostError extends Error {
  constructor(holder: string) {
    super(`the run lease is no longer held by ${holder}: stopping before the next write`);
  }
}

/** A lease held for one run: its fence, and its end. */
export interface HeldLease {
  /** Before every write of the run: renews the lease, or throws (and keeps throwing) once it cannot. */
  fence(): Promise<void>;
  /** No more writes for this run (the store was lost, say): every later fence throws `reason`. */
  stopWrites(reason: Error): void;
  /** The store's error that made a fence stop the run's writes, if one did. */
  readonly storeFailure?: Error;
  /** Stops the renewal and gives the lease back (only if this holder still has it). */
  release(): Promise<void>;
}

export class RunLease {
  /** host:pid:random — the host and pid let a process on the same host see that a holder died. */
  readonly holder = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

  constructor(
    private readonly store: Store,
    private readonly opts: { ttlMs: number; now: () => Date; log: Logger },
  ) {}

  /** Takes the lease (a holder that died on this host — SIGKILL — is taken over at once) and keeps it renewed. */
  async acquire(): Promise<HeldLease> {
    await this.take();
    // Renewal keeps the lease from the start (reads of a big university take a while); a failed
    // renewal is logged (never an unhandled rejection): the next write's fence decides.
    const timer = setInterval(() => {
      this.store.renewLease(RUN_LEASE, this.holder, this.opts.now(), this.opts.ttlMs).then(
        (ok) => ok || this.opts.log.warn('run lease lost: the next write stops this run'),
        (err: Error) => this.opts.log.warn({ err: err.message }, 'renewing the run lease failed'),
      );
    }, this.opts.ttlMs / 4);
    let stopped: Error | undefined;
    const held: { -readonly [K in keyof HeldLease]: HeldLease[K] } = {
      fence: async () => {
        if (stopped) throw stopped;
        // Renew, never re-acquire: a lease released or taken by another replica meanwhile stays lost for this run.
        let ours: boolean;
        try {
          ours = await this.store.renewLease(RUN_LEASE, this.holder, this.opts.now(), this.opts.ttlMs);
        } catch (err) {
          // Whether the lease is still ours cannot be known: the run writes nothing more.
          held.storeFailure ??= err as Error;
          throw (stopped = new Error(`cannot confirm the run lease (${(err as Error).message}): stopping before the next write`));
        }
        if (!ours) throw (stopped = new LeaseLostError(this.holder));
      },
      stopWrites: (reason) => void (stopped ??= reason),
      release: async () => {
        clearInterval(timer);
        await this.store.releaseLease(RUN_LEASE, this.holder);
      },
    };
    return held;
  }

  private async take(): Promise<void> {
    const { store, holder } = this;
    const now = this.opts.now;
    if (await store.acquireLease(RUN_LEASE, holder, now(), this.opts.ttlMs)) return;
    const current = await store.leaseHolder(RUN_LEASE, now());
    if (!current) {
      if (await store.acquireLease(RUN_LEASE, holder, now(), this.opts.ttlMs)) return;
      throw new RunInProgressError('another process', 'unknown');
    }
    const [host, pid] = current.holder.split(':');
    if (host === os.hostname() && pid !== undefined && !processAlive(Number(pid))) {
      this.opts.log.warn({ holder: current.holder }, 'taking over the lease of a sync process that is gone');
      await store.releaseLease(RUN_LEASE, current.holder);
      if (await store.acquireLease(RUN_LEASE, holder, now(), this.opts.ttlMs)) return;
    }
    throw new RunInProgressError(current.holder, current.expiresAt);
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
