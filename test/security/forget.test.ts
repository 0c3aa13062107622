/**
 * Erasure as the data-protection officer checks it: a store filled by real use (a one-student sync
 * from the CLI, support asking why and syncing in chat, a teacher's confirmation waiting, a held
 * plan), then `cohortbot forget <e-mail>` as a process, then a dump of every table of the SQLite file:
 * no row mentions the student by any identifier, and other people's rows are still there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BotCore } from '../../src/bot/core';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { SUPPORT, TEACHER, converse } from '../helpers/bot';
import { run } from '../helpers/cli';
import { DEMO_SEED, demoEnv } from '../helpers/engine';
import { RunningSimulator, startSimulator } from '../helpers/simulator';

describe('forget', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await startSimulator(DEMO_SEED);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-forget-'));
    env = demoEnv(sim, {}, dir);
  });
  afterAll(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const dump = (): string[] => {
    const db = new Database(path.join(dir, 'cohortbot-test.db'), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
      return tables.flatMap((t) => (db.prepare(`SELECT * FROM ${t}`).all() as unknown[]).map((r) => `${t}: ${JSON.stringify(r)}`.toLowerCase()));
    } finally {
      db.close();
    }
  };

  it('leaves no row that mentions the student, and prints what it erased', async () => {
    const site = sim.sim.site('ecampus');
    expect((await run(['sync', '--json'], env)).code).toBe(0);
    // A student the first sync added on ecampus: the journal has them.
    const added = dump().find((row) => row.startsWith('journal:') && row.includes('"platform":"ecampus"') && row.includes('"action":"add"'))!;
    const student = site.users.first('username', /"student_key":"([^"]+)"/.exec(added)![1]!)!;
    expect((await run(['sync', '--user', student.username, '--json'], env)).code).toBe(0);
    const app = createApp(loadConfig(env), { logger: silentLogger });
    try {
      const bot = new BotCore(app);
      await converse(bot, SUPPORT, [`pourquoi ${student.email} PHA-L2-101`, `historique ${student.username}`, `synchroniser ${student.username}`]);
      await converse(bot, SUPPORT, [`ajouter membres tuteurs-l2-pharma ${student.username}`]);
      await converse(bot, TEACHER, ['ajouter etp:L2PHA1 à PHA-L2-101']);
      await app.store.saveHeldPlan({ runId: 'held-1', createdAt: new Date().toISOString(), status: 'held', reasonCodes: [{ code: 'tooManyRemovals', removals: 2, max: 1 }], removals: [{ platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:L2PHA1', userId: student.id, key: student.username, reason: { code: 'etapeGone', etape: 'L2PHA1' } }, { platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:L2PHA1', userId: 99, key: 'e21900004', reason: { code: 'etapeGone', etape: 'L2PHA1' } }] });
    } finally {
      await app.close();
    }
    const ids = [student.username, student.email.toLowerCase(), student.idnumber].filter((x) => x.length >= 3);
    expect(dump().some((row) => ids.some((id) => row.includes(id)))).toBe(true);

    const r = await run(['forget', student.email, '--json'], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { erased: Record<string, number>; total: number };
    expect(doc.erased.journal).toBeGreaterThan(0);
    expect(doc.erased.audit).toBeGreaterThan(0);
    expect(doc.erased.runs).toBeGreaterThan(0);
    expect(doc.erased.heldPlans).toBe(1);
    expect(doc.erased.state).toBeGreaterThan(0);

    const rows = dump();
    for (const id of ids) expect(rows.filter((row) => row.includes(id))).toEqual([]);
    // Everyone else's history is still there.
    expect(rows.some((row) => row.includes('e21900004'))).toBe(true);
    expect(rows.some((row) => row.startsWith('audit:') && row.includes(TEACHER))).toBe(true);
  });
});
