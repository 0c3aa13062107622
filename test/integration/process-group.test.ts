/**
 * A server started through process-group.ts is stopped with everything it forked — as PHP's built-in
 * server forks its workers — when stopped, when its owner fails, and when its owner gets Ctrl-C. The
 * owner is a real Node process (the compiled helper, dist/ is built by the global set-up).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const HELPER = path.resolve(__dirname, '..', '..', 'dist', 'test', 'helpers', 'process-group.js');

/** An owner process: starts a "server" (a shell that forks a worker, both sleeping), prints their pids, then does `then`. */
const owner = (then: 'stop' | 'throw' | 'wait') => `
const { spawnGroup, stopGroup } = require(${JSON.stringify(HELPER)});
const server = spawnGroup('sh', ['-c', 'sleep 300 & echo "$$ $!"; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
server.stdout.once('data', async (d) => {
  process.stdout.write('pids ' + d.toString().trim() + '\\n');
  if (${JSON.stringify(then)} === 'stop') { await stopGroup(server); process.stdout.write('stopped\\n'); }
  else if (${JSON.stringify(then)} === 'throw') throw new Error('the test failed');
  else setInterval(() => {}, 1000);
});
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pids: number[], deadlineMs = 20_000): Promise<number[]> {
  const until = Date.now() + deadlineMs;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

async function run(then: 'stop' | 'throw' | 'wait', signal?: NodeJS.Signals): Promise<{ pids: number[]; code: number | null; sig: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, ['-e', owner(then)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const pids = await new Promise<number[]>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /pids (\d+) (\d+)/.exec(out);
      if (m) resolve([Number(m[1]), Number(m[2])]);
    });
    child.once('exit', () => reject(new Error(`owner exited before starting its server: ${out}`)));
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (code, sig) => r([code, sig])));
  if (signal) child.kill(signal);
  const [code, sig] = await exited;
  return { pids, code, sig, out };
}

describe('a server in its own process group', () => {
  it('stop() ends the server and the worker it forked', async () => {
    const r = await run('stop');
    expect(r.out).toContain('stopped');
    expect(await gone(r.pids)).toEqual([]);
  }, 60_000);

  it('an owner that fails takes the server and its worker with it', async () => {
    const r = await run('throw');
    expect(r.code).not.toBe(0);
    expect(await gone(r.pids)).toEqual([]);
  }, 60_000);

  it('Ctrl-C on the owner stops the server and its worker, and the owner still dies of the signal', async () => {
    const r = await run('wait', 'SIGINT');
    expect(r.sig).toBe('SIGINT');
    expect(await gone(r.pids)).toEqual([]);
  }, 60_000);
});
