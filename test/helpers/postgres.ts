/**
 * A throwaway PostgreSQL cluster for a test file: initdb in a temp dir (as the postgres user when
 * root), pg_ctl on a free port bound to 127.0.0.1, one database, stopped and removed at the end.
 * Missing server binaries: installed with apt when root, otherwise a clear failure naming the package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTGRES_SET, ensurePackages, postgresBinDir } from './apt';
import { owe } from './process-group';
import { freePort } from './slapd';

export interface Postgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function ensurePostgres(): string {
  ensurePackages([POSTGRES_SET]);
  return postgresBinDir()!;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = ensurePostgres();
  const root = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock);
  // initdb refuses to run as root: the cluster belongs to the postgres user then.
  const as = (cmd: string, args: string[]) => (root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' }));
  if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const init = as(path.join(bin, 'initdb'), ['-D', data, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-U', 'postgres']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const start = as(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o', `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
  // The postmaster runs in a session of its own (pg_ctl): stopped by pg_ctl, also if this process dies first.
  const stopCluster = () => void as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
  const release = owe(stopCluster);
  if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.stderr} ${fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8').slice(-500) : ''}`);
  const create = as(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'cohortbot']);
  if (create.status !== 0) throw new Error(`createdb failed: ${create.stderr}`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/cohortbot`,
    port,
    async stop() {
      stopCluster();
      release();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
