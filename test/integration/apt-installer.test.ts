/**
 * The test-time installer: concurrent callers (separate processes, as jest workers are) install a
 * package set once and all succeed; apt-get is told to wait for dpkg's lock; not root → the message
 * names the packages; a lock left by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePackages, notRootMessage, suitePackageSets, withInstallLock } from '../helpers/apt';

const APT_JS = path.resolve(__dirname, '..', '..', 'dist', 'test', 'helpers', 'apt.js');

/** A fake apt-get: takes its own lock (fails if held, as dpkg would), works for a second, records its call. */
function fakeApt(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'apt-get'),
    `#!/bin/sh
echo "$*" >> "${dir}/calls"
mkdir "${dir}/dpkg-lock" 2>/dev/null || { echo "E: Could not get lock" >&2; exit 100; }
sleep 1
case "$*" in *install*) for p in "$@"; do case "$p" in -*|install) ;; *) touch "${dir}/installed-$p";; esac; done;; esac
rmdir "${dir}/dpkg-lock"
`,
    { mode: 0o755 },
  );
  return bin;
}

/** One caller in its own process, like a jest worker: the package set is "present" once the fake installed it. */
function caller(dir: string, bin: string): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const fs = require('fs');
    const { ensurePackages } = require(${JSON.stringify(APT_JS)});
    const set = { name: 'fake', packages: ['fake-a', 'fake-b'], present: () => fs.existsSync(${JSON.stringify(path.join(dir, 'installed-fake-b'))}) };
    ensurePackages([set], { root: true, lockPath: ${JSON.stringify(path.join(dir, 'install.lock'))}, denyServiceStarts: false });
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('test-time package installer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-apt-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('two concurrent callers both succeed and the set is installed once, waiting for dpkg', async () => {
    const bin = fakeApt(dir);
    const results = await Promise.all([caller(dir, bin), caller(dir, bin)]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.includes('install'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('update'))).toHaveLength(1);
    for (const c of calls) expect(c).toContain('DPkg::Lock::Timeout=600');
    expect(calls.find((c) => c.includes('install'))).toContain('fake-a fake-b');
    expect(fs.existsSync(path.join(dir, 'install.lock'))).toBe(false);
  });

  test('nothing missing: apt-get is never called, even without root', () => {
    ensurePackages([{ name: 'there', packages: ['x'], present: () => true }], { root: false, lockPath: path.join(dir, 'l') });
    expect(fs.existsSync(path.join(dir, 'l'))).toBe(false);
  });

  test('not root: the error names every missing package and how to install them', () => {
    const sets = [
      { name: 'OpenLDAP', packages: ['slapd', 'ldap-utils'], present: () => false },
      { name: 'here', packages: ['present-one'], present: () => true },
    ];
    expect(() => ensurePackages(sets, { root: false })).toThrow('apt-get install slapd ldap-utils');
    expect(notRootMessage([sets[0]!])).not.toContain('present-one');
  });

  test('a failing apt-get is reported with its own words', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'apt-get'), '#!/bin/sh\necho "E: Unable to locate package fake-x" >&2\nexit 100\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    expect(() => ensurePackages([{ name: 'x', packages: ['fake-x'], present: () => false }], { root: true, env, lockPath: path.join(dir, 'l'), denyServiceStarts: false })).toThrow(
      'Unable to locate package fake-x',
    );
    expect(fs.existsSync(path.join(dir, 'l'))).toBe(false);
  });

  test('a lock left by a dead process is taken over; a live holder past the timeout is named', () => {
    const lock = path.join(dir, 'lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), '999999999');
    expect(withInstallLock(() => 'ran', lock, 1000)).toBe('ran');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    expect(() => withInstallLock(() => 'never', lock, 300)).toThrow(`pid ${process.pid}`);
  });

  test('the suite needs slapd and PostgreSQL, and PHP and PHPUnit unless the real-Moodle target is skipped', () => {
    const names = (env: NodeJS.ProcessEnv) => suitePackageSets(env).flatMap((s) => s.packages);
    expect(names({})).toEqual(expect.arrayContaining(['slapd', 'ldap-utils', 'postgresql', 'php8.2-cli', 'php8.2-pgsql', 'phpunit', 'locales']));
    expect(names({ COHORTBOT_SKIP_REAL_MOODLE: '1' })).not.toContain('php8.2-cli');
    expect(names({ COHORTBOT_SKIP_REAL_MOODLE: '1' })).toContain('chromium');
    expect(names({ COHORTBOT_SKIP_REAL_MOODLE: '1' })).not.toContain('phpunit');
  });
});
