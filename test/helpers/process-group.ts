/**
 * Servers and CLI processes started by tests and benchmarks, stopped with every child they forked.
 *
 * Each one runs in a process group of its own (`detached`), so a signal to the group reaches the
 * process and whatever it started (a worker, a helper) — killing the leader alone leaves its children
 * running with no parent. Whatever is still running when this process ends — normally, on an uncaught
 * error, or on Ctrl-C / SIGTERM (jest passes both to its workers) — is killed by the exit hooks below,
 * so a failing test leaves nothing behind. A SIGKILL of this process cannot be caught: nothing can.
 */
import { ChildProcess, SpawnOptions, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Cleanup = () => void;
const cleanups = new Set<Cleanup>();
let hooked = false;

function runCleanups(): void {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      c();
    } catch {
      // one cleanup failing must not keep the others from running
    }
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', runCleanups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      runCleanups();
      // Then die of the same signal, as without this handler.
      process.kill(process.pid, sig);
    });
  }
}

/** Runs `cleanup` (synchronously) when this process ends, unless the returned function is called first. */
export function onProcessExit(cleanup: Cleanup): () => void {
  hook();
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/** Sends `signal` to every process of the group led by `pid`; false when none is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

const exitOf = new WeakMap<ChildProcess, Promise<void>>();
const forgetOf = new WeakMap<ChildProcess, () => void>();

/** `spawn` in a process group of its own, killed with its children if this process ends first. */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  exitOf.set(child, new Promise<void>((resolve) => child.once('exit', () => resolve())));
  const pid = child.pid;
  if (pid !== undefined) {
    const forget = onProcessExit(() => void signalGroup(pid, 'SIGKILL'));
    forgetOf.set(child, forget);
    // The leader gone, its children may still run: the group is emptied when the test stops it.
    child.once('exit', () => {
      if (!signalGroup(pid, 0)) forget();
    });
  }
  return child;
}

/**
 * Stops a process started by `spawnGroup` and everything it started: `signal` to the group, SIGKILL
 * to what is left after `graceMs`, and SIGKILL again once the leader is gone (children that ignored
 * the signal or outlived their parent). Resolves when the leader has exited.
 */
export async function stopGroup(child: ChildProcess, { signal = 'SIGTERM', graceMs = 5000 }: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = exitOf.get(child) ?? new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  signalGroup(pid, signal);
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(pid, 'SIGKILL');
  forgetOf.get(child)?.();
}

/** The first line a child writes on stdout (a server's ready line); rejects if it exits before. */
export function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** A scratch folder under the system's temp folder, removed by `remove()` — or when this process ends first. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const rm = () => fs.rmSync(dir, { recursive: true, force: true });
  const forget = onProcessExit(rm);
  return {
    dir,
    remove: () => {
      rm();
      forget();
    },
  };
}
