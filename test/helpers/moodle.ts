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

/** The repository, whether this file runs from test/helpers or compiled in dist/test/helpers (the benchmarks). */
const REPO = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')].find((p) => fs.existsSync(path.join(p, 'moodle-plugin')))!;
const SHARED_ARCHIVE = path.resolve(REPO, '..', 'shared', 'moodle', 'moodle-4.5.6.tar.xz');
const PLUGIN = path.resolve(REPO, 'moodle-plugin', 'local_cohortbot');
const SCRIPTS = path.join(REPO, 'test', 'helpers', 'moodle');
/** The service account's role as the plugin README documents it. */
export const SERVICE_ROLE = path.resolve(REPO, 'fixtures', 'service-role.json');

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
  /** The Moodle directory (dirroot), for CLI scripts and plugins (benchmarks). */
  root: string;
  /** The PostgreSQL cluster's port (database cohortbot, user postgres, no password). */
  pgPort: number;
  /** Runs a PHP CLI script in dirroot with the site's PHP settings; its stdout. */
  php(args: string[], timeoutMs?: number): string;
  /** A dump and dataroot copy of the site as it is now; the function puts it back. */
  snapshot(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

export interface RealMoodleOptions {
  /**
   * PHP's built-in server processes one request at a time; with workers it forks that many, as a
   * site with php-fpm serves requests side by side (PHP_CLI_SERVER_WORKERS).
   */
  workers?: number;
  /** More php.ini lines for the server and the CLI (e.g. an auto_prepend_file that logs each call's PHP time). */
  ini?: string[];
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

export async function startRealMoodle(options: RealMoodleOptions = {}): Promise<RealMoodle> {
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
  fs.copyFileSync(path.join(SCRIPTS, 'setup.php'), path.join(root, 'cohortbot-setup.php'));
  fs.copyFileSync(path.join(SCRIPTS, 'grant.php'), path.join(root, 'cohortbot-grant.php'));
  t('unpack', since);
  const ini = path.join(dir, 'php.d');
  fs.mkdirSync(ini);
  const iniText = (maxInputVars: number) => [`max_input_vars=${maxInputVars}`, 'memory_limit=1024M', 'max_execution_time=0', 'opcache.enable_cli=1', ...(options.ini ?? []), ''].join('\n');
  fs.writeFileSync(path.join(ini, '99-cohortbot.ini'), iniText(5000));
  const dataroot = path.join(dir, 'moodledata');
  fs.mkdirSync(dataroot);
  since = Date.now();
  const pg: Postgres = await startPostgres();
  t('postgres', since);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PHP_INI_SCAN_DIR: `:${ini}` };
  const php = (args: string[], timeoutMs = 600_000) => {
    const r = spawnSync('php', args, { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutMs });
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
  let snapshots = 0;
  const restoreFrom = (file: string, data: string) => {
    execFileSync(pgBin('pg_restore'), [...pgArgs, '--clean', '--if-exists', '--single-transaction', '-d', 'cohortbot', file], { stdio: 'ignore' });
    fs.rmSync(dataroot, { recursive: true, force: true });
    fs.cpSync(data, dataroot, { recursive: true });
    php(['admin/cli/purge_caches.php']);
  };
  let server: ChildProcess | undefined;
  const serve = async (maxInputVars: number) => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    fs.writeFileSync(path.join(ini, '99-cohortbot.ini'), iniText(maxInputVars));
    const workers = options.workers && options.workers > 1 ? { PHP_CLI_SERVER_WORKERS: String(options.workers) } : {};
    server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root], { env: { ...env, ...workers }, stdio: 'ignore' });
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
      restoreFrom(dump, `${dataroot}.fixture`);
      timings.restore = Date.now() - started;
    },
    root,
    pgPort: pg.port,
    php,
    async snapshot() {
      const n = (snapshots += 1);
      const file = path.join(dir, `snapshot-${n}.dump`);
      execFileSync(pgBin('pg_dump'), [...pgArgs, '-Fc', '-f', file, 'cohortbot']);
      fs.cpSync(dataroot, `${dataroot}.snapshot-${n}`, { recursive: true });
      return async () => restoreFrom(file, `${dataroot}.snapshot-${n}`);
    },
    async stop() {
      server?.kill('SIGTERM');
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
