/** Installs Debian packages for a test helper when running as root; otherwise says which to install. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export function aptInstall(packages: string[], why: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${why}: install the Debian packages "${packages.join(' ')}" (apt-get install ${packages.join(' ')})`);
  const policy = '/usr/sbin/policy-rc.d';
  const created = !fs.existsSync(policy);
  // Debian's post-install scripts would start system services; the tests run their own.
  if (created) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'ignore', timeout: 600_000 });
  } finally {
    if (created) fs.rmSync(policy, { force: true });
  }
}
