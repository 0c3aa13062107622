// Runs once, before any jest worker starts:
// 1. CLI tests run bin/cohortbot.js, which loads dist/: build it first so they test the current source.
// 2. Install every Debian package set the suite needs (slapd, PostgreSQL, PHP for the real Moodle),
//    once, so that no two workers ever run apt-get at the same time. Not root → fail naming them.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const { ensurePackages, suitePackageSets } = require(path.join(root, 'dist', 'test', 'helpers', 'apt.js'));
  const started = Date.now();
  ensurePackages(suitePackageSets());
  const took = Date.now() - started;
  if (took > 1000) process.stderr.write(`\ntest packages installed in ${Math.round(took / 1000)} s\n`);
};
