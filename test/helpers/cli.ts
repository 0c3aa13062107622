/** `bin/cohortbot.js` as a process, as an operator runs it: arguments, environment, optional stdin. */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnGroup } from './process-group';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'cohortbot.js');

export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: Record<string, string>, input?: string): { child: ChildProcess; done: Promise<CliResult> } {
  // Its own process group: killed with anything it started if the test ends first (process-group.ts).
  const child = spawnGroup(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  if (input !== undefined) child.stdin!.end(input);
  return { child, done };
}

/** Runs to the end with the given stdin (empty by default). */
export const run = (args: string[], env: Record<string, string>, input = ''): Promise<CliResult> => cli(args, env, input).done;
