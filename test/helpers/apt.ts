/**
 * Test-time Debian package installation that cannot race. Jest's globalSetup installs every package
 * set the suite needs once, before any worker starts; the helpers still call `ensurePackages` (a run
 * of one test file skips globalSetup's work when nothing is missing), and every install goes through
 * one cross-process lock, so two workers, or two test runs on one machine, never fight over dpkg.
 * Not root → an error naming the packages, never a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One set of packages and how to tell it is usable (a binary, an extension), independent of dpkg. */
export interface PackageSet {
  name: string;
  packages: string[];
  present(): boolean;
}

export const PHP_PACKAGES = ['php8.2-cli', 'php8.2-pgsql', 'php8.2-xml', 'php8.2-mbstring', 'php8.2-curl', 'php8.2-zip', 'php8.2-gd', 'php8.2-intl', 'php8.2-soap', 'php8.2-opcache'];

const PHP_EXTENSIONS = ['pgsql', 'intl', 'xml', 'mbstring', 'curl', 'zip', 'gd', 'soap'];

const hasCommand = (cmd: string, args: string[]): boolean => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
};

export const SLAPD_SET: PackageSet = {
  name: 'OpenLDAP (slapd, ldapsearch)',
  packages: ['slapd', 'ldap-utils'],
  present: () => fs.existsSync('/usr/sbin/slapd') && fs.existsSync('/usr/sbin/slapadd') && spawnSync('ldapsearch', ['-VV'], { stdio: 'ignore' }).error === undefined,
};

export const POSTGRES_SET: PackageSet = {
  name: 'PostgreSQL server',
  packages: ['postgresql'],
  present: () => postgresBinDir() !== undefined,
};

export const PHP_SET: PackageSet = {
  name: 'PHP 8.2 with the extensions Moodle 4.5 needs',
  packages: PHP_PACKAGES,
  present: () => hasCommand('php', ['-r', `exit(${PHP_EXTENSIONS.map((e) => `extension_loaded("${e}")`).join(' && ')} ? 0 : 1);`]),
};

/** Headless Chromium for the Teams card pictures (driven by playwright-core; no browser download). */
export const CHROMIUM_SET: PackageSet = {
  name: 'Chromium (Teams card rendering)',
  packages: ['chromium'],
  present: () => fs.existsSync('/usr/bin/chromium'),
};

/**
 * The plugin's PHPUnit tests on Moodle 4.5's framework: Debian's PHPUnit 9.6 (no composer), and the
 * en_AU.UTF-8 locale sources Moodle's PHPUnit set-up requires (compiled by the test with localedef).
 */
export const PHPUNIT_SET: PackageSet = {
  name: "PHPUnit 9.6 and the locale sources for Moodle's PHPUnit framework",
  packages: ['phpunit', 'locales'],
  present: () => fs.existsSync('/usr/share/php/PHPUnit/Autoload.php') && fs.existsSync('/usr/bin/phpunit') && fs.existsSync('/usr/share/i18n/locales/en_AU') && fs.existsSync('/usr/share/i18n/charmaps/UTF-8.gz'),
};

/** The package sets `npm test` needs; the real-Moodle target's PHP and PHPUnit only when that target runs. */
export function suitePackageSets(env: NodeJS.ProcessEnv = process.env): PackageSet[] {
  return env.COHORTBOT_SKIP_REAL_MOODLE ? [SLAPD_SET, POSTGRES_SET, CHROMIUM_SET] : [SLAPD_SET, POSTGRES_SET, CHROMIUM_SET, PHP_SET, PHPUNIT_SET];
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

export interface AptOptions {
  /** Defaults to the process's uid; tests of the installer set it. */
  root?: boolean;
  /** The cross-process lock; one per machine by default. */
  lockPath?: string;
  /** How long to wait for another installer before giving up. */
  lockTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Deny service starts during the install with /usr/sbin/policy-rc.d (default); tests of the installer turn it off. */
  denyServiceStarts?: boolean;
}

const DEFAULT_LOCK = path.join(os.tmpdir(), 'cohortbot-test-apt.lock');

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Runs `fn` holding a lock directory (mkdir is atomic across processes). A lock whose holder died is
 * taken over; one held longer than the timeout is an error that names the lock.
 */
export function withInstallLock<T>(fn: () => T, lockPath = DEFAULT_LOCK, timeoutMs = 20 * 60_000): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lockPath);
      fs.writeFileSync(path.join(lockPath, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(path.join(lockPath, 'pid'), { encoding: 'utf8', flag: 'a+' }) || '0');
      // A holder that has not written its pid yet is alive (it is between mkdir and write).
      if (holder > 0 && !alive(holder)) {
        fs.rmSync(lockPath, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another package installation holds ${lockPath} (pid ${holder}) for over ${Math.round(timeoutMs / 1000)} s`);
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockPath, { recursive: true, force: true });
  }
}

/**
 * Makes sure each set is present: checks, and under the lock checks again and installs what is still
 * missing (so concurrent callers install a set once). Throws, naming the packages, when not root.
 */
export function ensurePackages(sets: PackageSet[], opts: AptOptions = {}): void {
  const missing = () => sets.filter((s) => !s.present());
  if (missing().length === 0) return;
  const root = opts.root ?? process.getuid?.() === 0;
  if (!root) throw new Error(notRootMessage(missing()));
  withInstallLock(
    () => {
      const still = missing();
      if (still.length === 0) return;
      aptGetInstall(still.flatMap((s) => s.packages), opts.env, opts.denyServiceStarts ?? true);
      const after = missing();
      if (after.length > 0) throw new Error(`apt-get installed ${after.flatMap((s) => s.packages).join(' ')} but ${after.map((s) => s.name).join(', ')} is still not usable`);
    },
    opts.lockPath,
    opts.lockTimeoutMs,
  );
}

export function notRootMessage(sets: PackageSet[]): string {
  const pkgs = sets.flatMap((s) => s.packages).join(' ');
  return `the test suite needs ${sets.map((s) => s.name).join(', ')}: install the Debian packages with "apt-get install ${pkgs}" (as root), or run npm test as root and it installs them`;
}

/** apt-get update + install, waiting for dpkg's own lock too (another program may be using apt). */
function aptGetInstall(packages: string[], env: NodeJS.ProcessEnv = process.env, denyServiceStarts = true): void {
  const policy = '/usr/sbin/policy-rc.d';
  // Debian's post-install scripts would start system services (slapd, postgresql); the tests run their own.
  const created = denyServiceStarts && !fs.existsSync(policy);
  if (created) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  const run = (args: string[], timeout: number) => {
    try {
      execFileSync('apt-get', [...lockWait, ...args], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'pipe'], timeout });
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().slice(-800);
      throw new Error(`apt-get ${args.filter((a) => !a.startsWith('-')).join(' ')} failed: ${stderr || (err as Error).message}`);
    }
  };
  try {
    run(['update', '-qq'], 600_000);
    run(['install', '-y', '-qq', '--no-install-recommends', ...packages], 1_200_000);
  } finally {
    if (created) fs.rmSync(policy, { force: true });
  }
}
