/** The terminal chat and the demo as a newcomer runs them: processes, stdin, stdout. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COLLEAGUE, TEACHER } from '../helpers/bot';
import { DEMO_SEED, demoEnv } from '../helpers/engine';
import { RunningSimulator, startSimulator } from '../helpers/simulator';
import { CLI, cli, run } from '../helpers/cli';

describe('cohortbot chat', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await startSimulator(DEMO_SEED);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-chat-'));
    env = demoEnv(sim, {}, dir);
    expect((await run(['sync', '--json'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lines = 'chercher pharma\najouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun\noui\n';

  it('why from the command line finds a course as the chat does: by its full name too', async () => {
    const site = sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-101')!;
    const r = await run(['why', 'e29999999', course.fullname.toUpperCase(), '--json'], env);
    expect(r.stderr).not.toMatch(/no course/);
    // Nobody of that name: a bad request (exit 2, as sync --user), the document printed all the same.
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout) as { course: string; verdict: string; access: unknown; fixes: unknown[] }).toMatchObject({ course: 'PHA-L2-101 (ecampus)', verdict: 'unknown-student', access: { has: false, via: [] }, fixes: [] });
  });

  it("a teacher's piped conversation enrols the cohort's students", async () => {
    const site = sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-101')!;
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    const r = await run(['chat', '--as', TEACHER], env, lines);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('> chercher pharma');
    expect(r.stdout).toMatch(/C’est fait\s: .* 17 étudiants y sont maintenant inscrits par cette cohorte/);
    for (const m of site.members.find('cohort', cohort.id)) expect(site.isActiveParticipant(course.id, m.userid)).toBe(true);
  });

  it('the same lines from a teacher of another course are refused', async () => {
    const r = await run(['chat', '--as', COLLEAGUE], env, lines.replace('PHA-L2-101', 'PHA-L3-201'));
    expect(r.stdout).toMatch(/Vous ne pouvez pas modifier les méthodes d’inscription de PHA-L3-201/);
    expect(r.stdout).toMatch(/Rien à confirmer/);
    const site = sim.sim.site('ecampus');
    expect(site.enrol.find('course', site.courses.first('shortname', 'PHA-L3-201')!.id).filter((i) => i.enrol === 'cohort')).toHaveLength(0);
  });

  it('asks who is talking', async () => {
    const r = await run(['chat'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--as <email> is required/);
  });
});

describe('cohortbot demo --script', () => {
  it('plays the scripted conversation on embedded defaults and exits 0', async () => {
    const r = await run(['demo', '--script'], { HOME: os.tmpdir() });
    expect(r.stderr).not.toMatch(/ÉCHEC/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Première synchronisation…/);
    expect(r.stdout).toMatch(/Teams +POST http:\/\/127\.0\.0\.1:\d+\/api\/messages/);
    expect(r.stdout).toMatch(/✓ démonstration scriptée réussie/);
  }, 60_000);
});

describe('cohortbot simulator', () => {
  it('rejects an unknown --plugin value clearly', () => {
    const r = spawnSync(process.execPath, [CLI, 'simulator', '--plugin', 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--plugin "nope": expected local_cohortbot, local_ws_enrolcohort or none/);
  });
});

describe('a second terminal on a running demo', () => {
  it('talks to the same simulator and store with the env file the demo prints, in English too', async () => {
    const demo = cli(['demo', '--as', TEACHER], { HOME: os.tmpdir() });
    try {
      let envFile: string | undefined;
      let out = '';
      demo.child.stdout!.on('data', (c: Buffer) => (out += c));
      for (let i = 0; i < 600 && !envFile; i++) {
        envFile = /COHORTBOT_ENV_FILE=(\S+)/.exec(out)?.[1];
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(envFile).toBeDefined();
      const r = await run(['chat', '--as', 'claire.moreau@univ-demo.fr', '--lang', 'en'], { COHORTBOT_ENV_FILE: envFile!, HOME: os.tmpdir() }, 'members tuteurs-l2-pharma\nstatus\n');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Tuteurs L2 pharma \(tuteurs-l2-pharma\) — \d+ member/);
      expect(r.stdout).toMatch(/Last sync/);
    } finally {
      demo.child.kill('SIGINT');
      await demo.done;
    }
  }, 60_000);
});
