/**
 * Servers a test or benchmark starts are stopped with everything they forked, also when the process
 * fails or is interrupted. A server is spawned detached, so it leads a process group of its own (PHP's
 * built-in server forks PHP_CLI_SERVER_WORKERS workers that outlive a plain kill of their parent);
 * stopping kills the whole group. Stops that are still owed when the process exits — an uncaught
 * failure, Ctrl-C, jest tearing a worker down — run from exit and signal handlers, synchronously.
 */
import { ChildProcess, SpawnOptions, spawn } from 'node:child_process';

/** Synchronous stops still owed, run once each on exit or on a terminating signal. */
const owed = new Set<() => void>();
let installed = false;

function runOwed(): void {
  for (const stop of [...owed]) {
    owed.delete(stop);
    try {
      stop();
    } catch {
      // best effort at exit: the others must still run
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runOwed);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      runOwed();
      // Die of the signal as we would have without this handler (other listeners ran already).
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Registers a synchronous stop to run if the process ends before `release` is called; returns
 * `release`, to call once the stop has been done the ordinary way.
 */
export function owe(stop: () => void): () => void {
  install();
  owed.add(stop);
  return () => owed.delete(stop);
}

export interface GroupProcess {
  child: ChildProcess;
  /** Kills the whole group (SIGTERM, then SIGKILL after `graceMs`) and resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
};

/** Spawns `cmd` as the leader of a new process group; the group is killed on stop() or at exit. */
export function spawnGroup(cmd: string, args: string[], options: SpawnOptions = {}): GroupProcess {
  const child = spawn(cmd, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${cmd} did not start`);
  const release = owe(() => killGroup(pid, 'SIGKILL'));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    async stop(graceMs = 5000) {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader is gone; a worker that ignored SIGTERM is not left behind.
      killGroup(pid, 'SIGKILL');
      release();
    },
  };
}
