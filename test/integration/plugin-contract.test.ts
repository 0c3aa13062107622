/**
 * The companion plugin against what the TypeScript side sends: every PHP file passes `php -l`, and
 * the function and parameter names in db/services.php and the external classes match the client's
 * calls and the simulator's definitions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MoodleApi } from '../../src/moodle/api';
import { MoodleClient } from '../../src/moodle/client';
import { PluginCohortSyncs } from '../../src/moodle/cohort-syncs';
import { ManualCohorts } from '../../src/moodle/manual-cohorts';
import type { WsParams } from '../../src/moodle/encode';
import { localCohortbotFunctions as cohortSyncFunctions, syncStateFunctions } from '../../src/simulator/functions/plugins';

/** Every function of the plugin: the cohort syncs done for a person, and the sync's own reads. */
const localCohortbotFunctions = [...cohortSyncFunctions, ...syncStateFunctions];

const PLUGIN = path.resolve(__dirname, '..', '..', 'moodle-plugin', 'local_cohortbot');

function ensurePhp(): void {
  if (spawnSync('php', ['-v']).error === undefined) return;
  if (process.getuid?.() !== 0) throw new Error('php is not installed: install the Debian package "php-cli" (apt-get install php-cli) to check the plugin');
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'php-cli'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'ignore' });
}

const phpFiles = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? phpFiles(path.join(dir, e.name)) : e.name.endsWith('.php') ? [path.join(dir, e.name)] : []));

/** Function name → parameter names, read from services.php and each class's execute_parameters(). */
function pluginFunctions(): Map<string, string[]> {
  const services = fs.readFileSync(path.join(PLUGIN, 'db', 'services.php'), 'utf8');
  const out = new Map<string, string[]>();
  for (const m of services.matchAll(/'(local_cohortbot_\w+)' => \[\s*'classname' => 'local_cohortbot\\external\\(\w+)'/g)) {
    let src = fs.readFileSync(path.join(PLUGIN, 'classes', 'external', `${m[2]}.php`), 'utf8');
    // A class may take its parameters from the abstract class it extends (the two bulk membership functions).
    const parent = /class \w+ extends (change_\w+)/.exec(src);
    if (parent) src = fs.readFileSync(path.join(PLUGIN, 'classes', 'external', `${parent[1]}.php`), 'utf8');
    const params = /function execute_parameters\(\)[\s\S]*?return new external_function_parameters\(\[([\s\S]*?)\]\);/.exec(src)![1]!;
    out.set(m[1]!, [...params.matchAll(/^ {12}'(\w+)' => new external_(?:value|multiple_structure|single_structure)/gm)].map((x) => x[1]!));
  }
  return out;
}

describe('local_cohortbot plugin', () => {
  it('every PHP file passes php -l', () => {
    ensurePhp();
    const files = phpFiles(PLUGIN);
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const f of files) {
      const r = spawnSync('php', ['-l', f], { encoding: 'utf8' });
      expect(`${path.relative(PLUGIN, f)}: ${r.stdout.trim()}`).toMatch(/No syntax errors detected/);
    }
  });

  it('declares the fifteen functions, each backed by a class, all in the predefined service', () => {
    const fns = pluginFunctions();
    expect([...fns.keys()].sort()).toEqual(localCohortbotFunctions.map((f) => f.name).sort());
    expect(fns.size).toBe(15);
    const services = fs.readFileSync(path.join(PLUGIN, 'db', 'services.php'), 'utf8');
    const serviceBlock = services.slice(services.indexOf('$services'));
    for (const name of fns.keys()) expect(serviceBlock).toContain(`'${name}'`);
    for (const code of ['cohortnotfound', 'cohortnotavailable', 'rolenotfound', 'rolenotassignable', 'groupnotincourse', 'instanceexists', 'notcohortinstance', 'onbehalfnopermission', 'plugindisabled', 'ambiguousparams']) {
      for (const lang of ['en', 'fr']) expect(fs.readFileSync(path.join(PLUGIN, 'lang', lang, 'local_cohortbot.php'), 'utf8')).toContain(`$string['${code}']`);
    }
  });

  it('has the same parameter names as the simulator, and the client sends only those', async () => {
    const fns = pluginFunctions();
    for (const def of localCohortbotFunctions) expect([def.name, fns.get(def.name)]).toEqual([def.name, Object.keys(def.params)]);
    // Record what the client sends for every method, with every option set.
    const sent: Array<{ fn: string; keys: string[] }> = [];
    class Recorder extends MoodleClient {
      override async call<S extends z.ZodTypeAny>(fn: string, given: WsParams | (() => WsParams), _schema: S): Promise<z.output<S>> {
        const params = typeof given === 'function' ? given() : given;
        sent.push({ fn, keys: Object.entries(params).filter(([, v]) => v !== undefined).map(([k]) => k) });
        const replies: Record<string, unknown> = {
          local_cohortbot_get_cohort_syncs: { instances: [] },
          local_cohortbot_add_cohort_sync: { id: 1, groupid: 0, created: true },
          local_cohortbot_update_cohort_sync: { id: 1, groupid: 0 },
          local_cohortbot_delete_cohort_sync: null,
          local_cohortbot_get_available_cohorts: { cohorts: [], truncated: false },
          local_cohortbot_get_available_cohorts_many: { courses: [{ courseid: 2, cohorts: [], truncated: false }, { courseid: 3, cohorts: [], truncated: false, error: 'onbehalfnopermission' }] },
          local_cohortbot_get_assignable_roles: { roles: [], defaultroleid: 5 },
          local_cohortbot_get_enrolment_diagnosis: { enrolments: [], cohorts: [], canaccess: false },
          local_cohortbot_get_managed_cohorts: { cohorts: [] },
          local_cohortbot_get_cohort_members: { cohorts: [], users: [] },
          local_cohortbot_get_users_by_keys: { users: [] },
          local_cohortbot_add_cohort_members: { added: 0, warnings: [] },
          local_cohortbot_delete_cohort_members: { removed: 0, warnings: [] },
          local_cohortbot_create_cohort: { id: 1, idnumber: 'x', name: 'X' },
          local_cohortbot_get_cohort_courses: { courses: [] },
          core_webservice_get_site_info: { sitename: 's', username: 'u', userid: 1, siteurl: 'x', functions: fns.size ? [...fns.keys()].map((name) => ({ name, version: '1' })) : [] },
        };
        return replies[fn] as z.output<S>;
      }
    }
    // A 1.4 plugin: the available cohorts of many courses in one call.
    const syncs = new PluginCohortSyncs(new MoodleApi(new Recorder({ platform: 'x', url: 'http://127.0.0.1:9', token: 't' })), { many: true });
    await syncs.list(2, 3);
    await syncs.add({ courseId: 2, cohort: { idnumber: 'etp:X' }, role: { shortname: 'student' }, groupId: -1, enabled: false, name: 'n', onBehalfOf: 3 });
    await syncs.add({ courseId: 2, cohort: { id: 4 }, role: { id: 5 }, onBehalfOf: 3 });
    await syncs.update(1, { roleId: 5, groupId: 0, enabled: true, name: 'n' }, 3);
    await syncs.remove(1, 3);
    await syncs.availableCohorts(2, 'q', 10, 3);
    expect((await syncs.availableCohortsMany([2, 3], 'q', 10, 3)).map((c) => [c.courseId, c.refused?.message])).toEqual([[2, undefined], [3, expect.stringContaining('onbehalfnopermission')]]);
    await syncs.assignableRoles(2, 3);
    await syncs.userEnrolments(2, 9);
    const api = new MoodleApi(new Recorder({ platform: 'x', url: 'http://127.0.0.1:9', token: 't' }));
    await api.getManagedCohorts('etp:');
    await api.getCohortMemberKeys([1, 2], 'username');
    await api.getUsersByKeys('username', ['a']);
    await api.changeMembersBulk('add', [{ cohortId: 1, userId: 2 }]);
    await api.changeMembersBulk('remove', [{ cohortId: 1, userId: 2 }]);
    // A person's manual cohorts (#28), each call carrying onbehalfof.
    const manual = await ManualCohorts.for(api);
    await manual.create({ name: 'X', idnumber: 'x', categoryId: 3, description: 'd' }, 3);
    await manual.courses(1, 3);
    await manual.change('add', 1, [2], 3);
    await manual.change('remove', 1, [2], 3);
    expect(new Set(sent.map((s) => s.fn).filter((f) => f.startsWith('local_cohortbot_')))).toEqual(new Set(fns.keys()));
    for (const s of sent.filter((x) => x.fn.startsWith('local_cohortbot_') && (x.fn.endsWith('_cohort') || x.fn.endsWith('_cohort_courses') || x.fn.includes('_available_cohorts')))) expect(s.keys).toContain('onbehalfof');
    for (const s of sent.filter((x) => x.fn.startsWith('local_cohortbot_'))) {
      const declared = fns.get(s.fn)!;
      expect({ fn: s.fn, unknown: s.keys.filter((k) => !declared.includes(k)) }).toEqual({ fn: s.fn, unknown: [] });
    }
  });
});

describe('the service role of the plugin README', () => {
  it('lists exactly the capabilities of fixtures/service-role.json, which every seed and the real-Moodle fixture use', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'moodle-plugin', 'local_cohortbot', 'README.md'), 'utf8');
    const step = readme.slice(readme.indexOf('3. **A system role**'), readme.indexOf('4. **The service**'));
    const listed = new Set([...step.matchAll(/`([a-z]+\/[a-z0-9_]+:[a-z0-9_]+)`/g)].map((m) => m[1]));
    const role = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'service-role.json'), 'utf8')) as { capabilities: string[] };
    expect(listed).toEqual(new Set(role.capabilities));
  });

  it('is the role the plugin\'s own PHPUnit tests give their service account (tests/fixtures/service_role.php)', () => {
    const php = fs.readFileSync(path.join(__dirname, '..', '..', 'moodle-plugin', 'local_cohortbot', 'tests', 'fixtures', 'service_role.php'), 'utf8');
    const listed = [...php.slice(php.indexOf('return [')).matchAll(/'([a-z]+\/[a-z0-9_]+:[a-z0-9_]+)'/g)].map((m) => m[1]);
    const role = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'service-role.json'), 'utf8')) as { capabilities: string[] };
    expect(listed).toEqual(role.capabilities);
  });
});
