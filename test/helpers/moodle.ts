/**
 * A real Moodle for the integration suite and the benchmark, following docs/moodle.md §7: PHP
 * packages (apt when root), a throwaway PostgreSQL cluster, the source unpacked with our plugin, a CLI
 * install, web services and a token, PHP's built-in server on a free port bound to 127.0.0.1. Every
 * version the suite tests (MOODLE_VERSIONS) installs the same way; what differs from 4.5 to 5.x is the
 * layout (5.x serves `public/`, plugins live under `public/local/`) and that 5.x refuses to install or
 * upgrade below max_input_vars 5000. Everything started is stopped with its children, also on failure
 * and Ctrl-C (process-group.ts). Timings are reported.
 */
import { ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { Client } from 'pg';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PHP_SET, ensurePackages } from './apt';
import { freePort } from './slapd';
import { Postgres, startPostgres } from './postgres';
import { scratchDir, spawnGroup, stopGroup } from './process-group';

/** The repository, whether this file runs from test/helpers or compiled in dist/test/helpers (the benchmarks). */
const REPO = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')].find((p) => fs.existsSync(path.join(p, 'moodle-plugin')))!;
const SHARED_ARCHIVES = path.resolve(REPO, '..', 'shared', 'moodle');
const PLUGIN = path.resolve(REPO, 'moodle-plugin', 'local_cohortbot');
const SCRIPTS = path.join(REPO, 'test', 'helpers', 'moodle');
/** The service account's role as the plugin README documents it. */
export const SERVICE_ROLE = path.resolve(REPO, 'fixtures', 'service-role.json');

/** The Moodle releases the real-Moodle target runs on, each from `moodle-<version>.tar.xz`: the LTS and the current major. */
export const MOODLE_VERSIONS = ['4.5.6', '5.1.3'] as const;
export type MoodleVersion = (typeof MOODLE_VERSIONS)[number];

/**
 * The plugin's previous release, which every install starts from before upgrading to the working
 * copy (the upgrade path a site takes). The commit is the last one that shipped it.
 */
export const PREVIOUS_PLUGIN = { release: '1.0.0', version: 2026112900, commit: 'c1de75466a04ab1397d1340045d58095ad71813b' };

export interface RealMoodle {
  /** The Moodle release installed (e.g. 5.1.3). */
  version: MoodleVersion;
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
  /** The plugin's version as Moodle recorded it after the install (and the upgrade from PREVIOUS_PLUGIN). */
  pluginVersion: number;
  timings: Record<string, number>;
  /** The Moodle directory (config.php, admin/cli), for CLI scripts. */
  root: string;
  /** The web root, where plugins live (`root` on 4.x, `root/public` on 5.x). */
  webroot: string;
  /** The PostgreSQL cluster's port (database cohortbot, user postgres, no password). */
  pgPort: number;
  /** Runs a PHP CLI script in dirroot with the site's PHP settings; its stdout. */
  php(args: string[], timeoutMs?: number): string;
  /** A dump and dataroot copy of the site as it is now; the function puts it back. */
  snapshot(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

export interface RealMoodleOptions {
  /** Which release (default the LTS, 4.5.6). */
  version?: MoodleVersion;
  /**
   * How the plugin gets there: `upgrade` (default) installs the site with PREVIOUS_PLUGIN, then puts
   * the working copy in its place and runs Moodle's upgrade, as a site updating the plugin does;
   * `fresh` installs the working copy directly (one CLI step less, for the benchmark).
   */
  plugin?: 'upgrade' | 'fresh';
  /**
   * PHP's built-in server processes one request at a time; with workers it forks that many, as a
   * site with php-fpm serves requests side by side (PHP_CLI_SERVER_WORKERS).
   */
  workers?: number;
  /** More php.ini lines for the server and the CLI (e.g. an auto_prepend_file that logs each call's PHP time). */
  ini?: string[];
}

const ARCHIVE_NAME = /^moodle-(\d+\.\d+\.\d+)\.tar\.xz$/;

/**
 * Where `moodle-<version>.tar.xz` is. MOODLE_ARCHIVE, when set, is a folder holding the archives or a
 * list of archive files and folders separated by `:` (or `,`); without it, ../shared/moodle/ beside the
 * repository. A missing archive is an error that says where to put it, never a skip.
 */
export function archivePath(version: MoodleVersion = '4.5.6', env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.MOODLE_ARCHIVE?.trim();
  const entries = chosen ? chosen.split(/[:,]/).map((e) => e.trim()).filter(Boolean) : [SHARED_ARCHIVES];
  const name = `moodle-${version}.tar.xz`;
  const where = chosen ? `MOODLE_ARCHIVE=${chosen}` : SHARED_ARCHIVES;
  for (const entry of entries) {
    if (!fs.existsSync(entry)) {
      if (chosen) throw new Error(`MOODLE_ARCHIVE names ${entry}, which does not exist: list folders holding moodle-<version>.tar.xz or the archives themselves (${MOODLE_VERSIONS.map((v) => `moodle-${v}.tar.xz`).join(', ')})`);
      continue;
    }
    if (fs.statSync(entry).isDirectory()) {
      if (fs.existsSync(path.join(entry, name))) return path.join(entry, name);
    } else if (ARCHIVE_NAME.exec(path.basename(entry))?.[1] === version) return entry;
  }
  throw new Error(
    `the real-Moodle target needs Moodle ${version} (${name}) and ${where} has none: download it from download.moodle.org and put it in ${chosen ? 'one of those folders or add it to MOODLE_ARCHIVE' : `${SHARED_ARCHIVES}, or set MOODLE_ARCHIVE to a folder or a ':'-separated list of archives`} (or run npm run test:fast, which skips that target and says so)`,
  );
}

/** 5.x serves `public/` and keeps config.php and admin/cli one level up. */
const webrootOf = (root: string) => (fs.existsSync(path.join(root, 'public', 'version.php')) ? path.join(root, 'public') : root);

/**
 * The plugin as it was released at PREVIOUS_PLUGIN (`git archive` of that commit, kept as a fixture so
 * a shallow clone, as CI may make, still tests the upgrade).
 */
function previousPlugin(into: string): void {
  const archive = path.join(REPO, 'test', 'fixtures', `local_cohortbot-${PREVIOUS_PLUGIN.release}.tar.gz`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-plugin-prev-'));
  try {
    execFileSync('tar', ['-xzf', archive, '-C', tmp]);
    fs.cpSync(path.join(tmp, 'moodle-plugin', 'local_cohortbot'), into, { recursive: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `$plugin->version` of a plugin's version.php. */
export const pluginVersionOf = (dir: string): number => Number(/\$plugin->version\s*=\s*(\d+)/.exec(fs.readFileSync(path.join(dir, 'version.php'), 'utf8'))![1]);

export async function startRealMoodle(options: RealMoodleOptions = {}): Promise<RealMoodle> {
  const version = options.version ?? '4.5.6';
  const timings: Record<string, number> = {};
  const t = (label: string, since: number) => (timings[label] = Date.now() - since);
  let since = Date.now();
  const archive = archivePath(version);
  ensurePackages([PHP_SET]);
  t('packages', since);
  const { dir, remove: removeDir } = scratchDir('cohortbot-moodle-');
  // Whatever fails from here on, nothing stays behind: the server group, the cluster, the folder.
  let server: ChildProcess | undefined;
  let pg: Postgres | undefined;
  const stop = async () => {
    if (server) await stopGroup(server);
    await pg?.stop();
    removeDir();
  };
  try {
    since = Date.now();
    execFileSync('tar', ['-xJf', archive, '-C', dir]);
    const root = path.join(dir, 'moodle');
    const webroot = webrootOf(root);
    const pluginDir = path.join(webroot, 'local', 'cohortbot');
    if (options.plugin === 'fresh') fs.cpSync(PLUGIN, pluginDir, { recursive: true });
    else previousPlugin(pluginDir);
    fs.copyFileSync(path.join(SCRIPTS, 'setup.php'), path.join(root, 'cohortbot-setup.php'));
    fs.copyFileSync(path.join(SCRIPTS, 'grant.php'), path.join(root, 'cohortbot-grant.php'));
    t('unpack', since);
    const ini = path.join(dir, 'php.d');
    fs.mkdirSync(ini);
    // max_input_vars 5000 for every CLI script (5.x refuses to install or upgrade below it); the server's own is set on its command line.
    fs.writeFileSync(path.join(ini, '99-cohortbot.ini'), ['max_input_vars=5000', 'memory_limit=1024M', 'max_execution_time=0', 'opcache.enable_cli=1', ...(options.ini ?? []), ''].join('\n'));
    const dataroot = path.join(dir, 'moodledata');
    fs.mkdirSync(dataroot);
    since = Date.now();
    pg = await startPostgres();
    const pgPort = pg.port;
    t('postgres', since);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...process.env, PHP_INI_SCAN_DIR: `:${ini}` };
    const php = (args: string[], timeoutMs = 600_000) => {
      const r = spawnSync('php', args, { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutMs });
      if (r.status !== 0) throw new Error(`Moodle ${version}: php ${args[0]} failed: ${(r.stderr || r.stdout || String(r.error ?? '')).slice(-1500)}`);
      return r.stdout;
    };
    since = Date.now();
    php(['admin/cli/install.php', '--non-interactive', '--agree-license', '--lang=en', `--wwwroot=${url}`, `--dataroot=${dataroot}`, '--dbtype=pgsql', '--dbhost=127.0.0.1', `--dbport=${pgPort}`, '--dbname=cohortbot', '--dbuser=postgres', '--dbpass=', '--prefix=mdl_', '--fullname=Test', '--shortname=test', '--adminuser=admin', '--adminpass=Admin1234!x', '--adminemail=admin@example.org']);
    fs.appendFileSync(path.join(root, 'config.php'), '\n$CFG->noemailever = true;\n');
    t('install', since);
    const installedVersion = () => Number(php(['admin/cli/cfg.php', '--component=local_cohortbot', '--name=version']).trim());
    if (options.plugin !== 'fresh') {
      // The site runs the previous release; the administrator replaces the folder and upgrades.
      const before = installedVersion();
      if (before !== PREVIOUS_PLUGIN.version) throw new Error(`Moodle ${version} installed local_cohortbot ${before}, not the previous release ${PREVIOUS_PLUGIN.version}`);
      since = Date.now();
      fs.rmSync(pluginDir, { recursive: true, force: true });
      fs.cpSync(PLUGIN, pluginDir, { recursive: true });
      php(['admin/cli/upgrade.php', '--non-interactive']);
      t('pluginUpgrade', since);
    }
    const pluginVersion = installedVersion();
    if (pluginVersion !== pluginVersionOf(PLUGIN)) throw new Error(`Moodle ${version} runs local_cohortbot ${pluginVersion} after the ${options.plugin ?? 'upgrade'}, not the working copy's ${pluginVersionOf(PLUGIN)}`);
    since = Date.now();
    const fixture = JSON.parse(php(['cohortbot-setup.php', SERVICE_ROLE]).trim().split('\n').pop()!) as { token: string; adminToken: string; serviceUserId: number; courseid: number; teacherid: number; colleagueid: number };
    t('fixture', since);
    // The fixture's database kept as a template and its dataroot copied: restored between scenarios
    // instead of reinstalling (a copy of a template is several times faster than pg_restore).
    since = Date.now();
    const pgBin = (name: string) => path.join(path.dirname(execFileSync('bash', ['-c', 'ls /usr/lib/postgresql/*/bin/pg_dump | tail -1']).toString().trim()), name);
    const pgArgs = ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres'];
    const admin = async (sql: string[]) => {
      const c = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', database: 'postgres' });
      await c.connect();
      try {
        for (const q of sql) await c.query(q);
      } finally {
        await c.end();
      }
    };
    await admin(['CREATE DATABASE cohortbot_fixture TEMPLATE cohortbot']);
    fs.cpSync(dataroot, `${dataroot}.fixture`, { recursive: true });
    t('dump', since);
    let snapshots = 0;
    const resetDataroot = (data: string) => {
      fs.rmSync(dataroot, { recursive: true, force: true });
      fs.cpSync(data, dataroot, { recursive: true });
      php(['admin/cli/purge_caches.php']);
    };
    const restoreFrom = (file: string, data: string) => {
      execFileSync(pgBin('pg_restore'), [...pgArgs, '--clean', '--if-exists', '--single-transaction', '-d', 'cohortbot', file], { stdio: 'ignore' });
      resetDataroot(data);
    };
    const serve = async (maxInputVars: number) => {
      if (server) await stopGroup(server);
      server = undefined;
      const workers = options.workers && options.workers > 1 ? { PHP_CLI_SERVER_WORKERS: String(options.workers) } : {};
      const started = spawnGroup('php', ['-d', `max_input_vars=${maxInputVars}`, '-S', `127.0.0.1:${port}`, '-t', webroot], { env: { ...env, ...workers }, stdio: 'ignore' });
      server = started;
      const begun = Date.now();
      for (;;) {
        if (started.exitCode !== null) throw new Error(`Moodle ${version}: PHP's server exited (${started.exitCode}) on port ${port}`);
        try {
          const res = await fetch(`${url}/webservice/rest/server.php`, { method: 'POST', body: new URLSearchParams({ wstoken: fixture.token, wsfunction: 'core_webservice_get_site_info', moodlewsrestformat: 'json' }) });
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() - begun > 60_000) throw new Error(`Moodle ${version}: the PHP server did not answer on ${url} within 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    since = Date.now();
    await serve(5000);
    t('firstCall', since);
    return {
      version,
      url,
      maxInputVars: serve,
      ...fixture,
      pluginVersion,
      timings,
      async grantServiceRole(capabilities: string[]) {
        const role = JSON.parse(fs.readFileSync(SERVICE_ROLE, 'utf8')) as { shortname: string };
        php(['cohortbot-grant.php', role.shortname, ...capabilities]);
      },
      async restore() {
        const started = Date.now();
        // PHP's server keeps no connection between requests; WITH (FORCE) ends any a request still holds.
        await admin(['DROP DATABASE cohortbot WITH (FORCE)', 'CREATE DATABASE cohortbot TEMPLATE cohortbot_fixture']);
        resetDataroot(`${dataroot}.fixture`);
        timings.restore = Date.now() - started;
      },
      root,
      webroot,
      pgPort,
      php,
      async snapshot() {
        const n = (snapshots += 1);
        const file = path.join(dir, `snapshot-${n}.dump`);
        execFileSync(pgBin('pg_dump'), [...pgArgs, '-Fc', '-f', file, 'cohortbot']);
        fs.cpSync(dataroot, `${dataroot}.snapshot-${n}`, { recursive: true });
        return async () => restoreFrom(file, `${dataroot}.snapshot-${n}`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
