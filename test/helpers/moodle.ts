/**
 * A real Moodle 4.5.6 for the integration suite, following ../shared/moodle/README.md: PHP packages
 * (apt when root), a throwaway PostgreSQL cluster, the source unpacked with our plugin in
 * local/cohortbot, a CLI install, web services and a token, PHP's built-in server on a free port
 * bound to 127.0.0.1. Everything started is stopped by pid at the end. Timings are reported.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PHP_SET, ensurePackages } from './apt';
import { freePort } from './slapd';
import { Postgres, startPostgres } from './postgres';

const SHARED_ARCHIVE = path.resolve(__dirname, '..', '..', '..', 'shared', 'moodle', 'moodle-4.5.6.tar.xz');
const PLUGIN = path.resolve(__dirname, '..', '..', 'moodle-plugin', 'local_cohortbot');
/** The service account's role as the plugin README documents it. */
export const SERVICE_ROLE = path.resolve(__dirname, '..', '..', 'fixtures', 'service-role.json');

export interface RealMoodle {
  url: string;
  /** Restarts PHP's server with this max_input_vars (Moodle answers only on its wwwroot, so the same port). */
  maxInputVars(n: number): Promise<void>;
  /** Puts the database and the dataroot back as they were after the fixture (between scenarios). */
  restore(): Promise<void>;
  /** Adds capabilities to the service account's role (until the next restore). */
  grantServiceRole(capabilities: string[]): Promise<void>;
  /** The token of the `cohortbot` service account, holding exactly the README's role (least privilege). */
  token: string;
  /** A site administrator's token, for test set-up only (never what cohortbot runs with). */
  adminToken: string;
  serviceUserId: number;
  courseid: number;
  teacherid: number;
  colleagueid: number;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Moodle 4.5.6's archive: MOODLE_ARCHIVE when set (and then it must exist), else ../shared/moodle/.
 * Throws a message saying where to put it, for someone who cloned the repository alone.
 */
export function archivePath(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.MOODLE_ARCHIVE;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new Error(`MOODLE_ARCHIVE=${chosen} does not exist: point it at moodle-4.5.6.tar.xz`);
    return chosen;
  }
  if (fs.existsSync(SHARED_ARCHIVE)) return SHARED_ARCHIVE;
  throw new Error(`the real-Moodle target needs Moodle 4.5.6: set MOODLE_ARCHIVE=/path/to/moodle-4.5.6.tar.xz, or put it at ${SHARED_ARCHIVE} (or run npm run test:fast, which skips that target and says so)`);
}

export async function startRealMoodle(): Promise<RealMoodle> {
  const timings: Record<string, number> = {};
  const t = (label: string, since: number) => (timings[label] = Date.now() - since);
  let since = Date.now();
  const archive = archivePath();
  ensurePackages([PHP_SET]);
  t('packages', since);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-moodle-'));
  since = Date.now();
  execFileSync('tar', ['-xJf', archive, '-C', dir]);
  const root = path.join(dir, 'moodle');
  fs.cpSync(PLUGIN, path.join(root, 'local', 'cohortbot'), { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'moodle', 'setup.php'), path.join(root, 'cohortbot-setup.php'));
  fs.copyFileSync(path.join(__dirname, 'moodle', 'grant.php'), path.join(root, 'cohortbot-grant.php'));
  t('unpack', since);
  const ini = path.join(dir, 'php.d');
  fs.mkdirSync(ini);
  fs.writeFileSync(path.join(ini, '99-cohortbot.ini'), 'max_input_vars=5000\nmemory_limit=1024M\nmax_execution_time=0\nopcache.enable_cli=1\n');
  const dataroot = path.join(dir, 'moodledata');
  fs.mkdirSync(dataroot);
  since = Date.now();
  const pg: Postgres = await startPostgres();
  t('postgres', since);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PHP_INI_SCAN_DIR: `:${ini}` };
  const php = (args: string[]) => {
    const r = spawnSync('php', args, { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
    if (r.status !== 0) throw new Error(`php ${args[0]} failed: ${(r.stderr || r.stdout).slice(-1500)}`);
    return r.stdout;
  };
  since = Date.now();
  php(['admin/cli/install.php', '--non-interactive', '--agree-license', '--lang=en', `--wwwroot=${url}`, `--dataroot=${dataroot}`, '--dbtype=pgsql', '--dbhost=127.0.0.1', `--dbport=${pg.port}`, '--dbname=cohortbot', '--dbuser=postgres', '--dbpass=', '--prefix=mdl_', '--fullname=Test', '--shortname=test', '--adminuser=admin', '--adminpass=Admin1234!x', '--adminemail=admin@example.org']);
  fs.appendFileSync(path.join(root, 'config.php'), '\n$CFG->noemailever = true;\n');
  t('install', since);
  since = Date.now();
  const fixture = JSON.parse(php(['cohortbot-setup.php', SERVICE_ROLE]).trim().split('\n').pop()!) as { token: string; adminToken: string; serviceUserId: number; courseid: number; teacherid: number; colleagueid: number };
  t('fixture', since);
  // A dump and a dataroot copy, restored between scenarios instead of reinstalling.
  since = Date.now();
  const dump = path.join(dir, 'fixture.dump');
  const pgBin = (name: string) => path.join(path.dirname(execFileSync('bash', ['-c', 'ls /usr/lib/postgresql/*/bin/pg_dump | tail -1']).toString().trim()), name);
  const pgArgs = ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres'];
  execFileSync(pgBin('pg_dump'), [...pgArgs, '-Fc', '-f', dump, 'cohortbot']);
  fs.cpSync(dataroot, `${dataroot}.fixture`, { recursive: true });
  t('dump', since);
  let server: ChildProcess | undefined;
  const serve = async (maxInputVars: number) => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    fs.writeFileSync(path.join(ini, '99-cohortbot.ini'), `max_input_vars=${maxInputVars}\nmemory_limit=1024M\nmax_execution_time=0\nopcache.enable_cli=1\n`);
    server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root], { env, stdio: 'ignore' });
    const begun = Date.now();
    for (;;) {
      try {
        const res = await fetch(`${url}/webservice/rest/server.php`, { method: 'POST', body: new URLSearchParams({ wstoken: fixture.token, wsfunction: 'core_webservice_get_site_info', moodlewsrestformat: 'json' }) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() - begun > 30_000) throw new Error('the PHP server did not answer');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  since = Date.now();
  await serve(5000);
  t('firstCall', since);
  return {
    url,
    maxInputVars: serve,
    ...fixture,
    timings,
    async grantServiceRole(capabilities: string[]) {
      const role = JSON.parse(fs.readFileSync(SERVICE_ROLE, 'utf8')) as { shortname: string };
      php(['cohortbot-grant.php', role.shortname, ...capabilities]);
    },
    async restore() {
      const started = Date.now();
      execFileSync(pgBin('pg_restore'), [...pgArgs, '--clean', '--if-exists', '--single-transaction', '-d', 'cohortbot', dump], { stdio: 'ignore' });
      fs.rmSync(dataroot, { recursive: true, force: true });
      fs.cpSync(`${dataroot}.fixture`, dataroot, { recursive: true });
      php(['admin/cli/purge_caches.php']);
      timings.restore = Date.now() - started;
    },
    async stop() {
      server?.kill('SIGTERM');
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
