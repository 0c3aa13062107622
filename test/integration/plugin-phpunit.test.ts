/**
 * The plugin's own PHPUnit tests (moodle-plugin/local_cohortbot/tests/) on Moodle 4.5.6's PHPUnit
 * framework, set up once for this file (test/helpers/moodle-phpunit.ts): every test passes, and every
 * web-service function the plugin declares is exercised by some test. A failing PHPUnit test fails
 * this jest test, with PHPUnit's own report. `npm run test:fast` skips it with the real-Moodle target.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MoodlePhpunit, PhpunitRun, startMoodlePhpunit } from '../helpers/moodle-phpunit';

const PLUGIN = path.resolve(__dirname, '..', '..', 'moodle-plugin', 'local_cohortbot');
const real = !process.env.COHORTBOT_SKIP_REAL_MOODLE;
if (!real) process.stderr.write("test:fast — the plugin's PHPUnit tests on Moodle 4.5.6 are skipped\n");

/** The classes behind the plugin's web-service functions, from db/services.php. */
const serviceClasses = (): string[] => [...fs.readFileSync(path.join(PLUGIN, 'db', 'services.php'), 'utf8').matchAll(/'classname'\s*=>\s*'local_cohortbot\\external\\(\w+)'/g)].map((m) => m[1]!);

const testSources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testSources(path.join(dir, e.name)) : e.name.endsWith('_test.php') ? [fs.readFileSync(path.join(dir, e.name), 'utf8')] : []));

(real ? describe : describe.skip)("the plugin's PHPUnit tests on Moodle 4.5.6", () => {
  let moodle: MoodlePhpunit;
  let run: PhpunitRun;
  beforeAll(async () => {
    moodle = await startMoodlePhpunit();
    run = moodle.run('local_cohortbot_testsuite');
    process.stderr.write(`PHPUnit on Moodle 4.5.6: ${run.cases.length} tests, ${JSON.stringify(moodle.timings)}\n`);
  }, 1_200_000);
  afterAll(() => moodle?.stop());

  it('all pass', () => {
    const notPassed = run.cases.filter((c) => c.outcome !== 'passed');
    // PHPUnit's report is the message when anything failed.
    expect({ status: run.status, notPassed, report: notPassed.length > 0 || run.status !== 0 ? run.output.slice(-6000) : '' }).toEqual({ status: 0, notPassed: [], report: '' });
    expect(run.cases.length).toBeGreaterThanOrEqual(12);
  });

  it('call every web-service function the plugin declares, each through its execute()', () => {
    const sources = testSources(path.join(PLUGIN, 'tests')).join('\n');
    const classes = serviceClasses();
    expect(classes.length).toBeGreaterThanOrEqual(12);
    const uncalled = classes.filter((c) => !new RegExp(`\\b${c}::execute\\(`).test(sources));
    expect(uncalled).toEqual([]);
  });
});
