/**
 * `npm run cards [folder]`: the Teams cards of every view, in French and English, as PNG pictures
 * (default folder: cards/), from the command core on the demo university (the Moodle simulator, the
 * bundled directory, a first sync) — validated and rendered as the card test does. Exits 1 when a
 * card is invalid, overflows or shows empty text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BotCore } from '../bot/core';
import { DEMO_ADMIN, DEMO_SUPPORT, DEMO_TEACHER } from '../cli/demo';
import { DEMO_SEED } from '../cli/simulator';
import { renderCard } from '../channels/teams/cards';
import { loadConfig } from '../config';
import { createDirectorySource } from '../directory';
import { createLogger } from '../log';
import { createPlatformApis } from '../moodle/platforms';
import { MoodleSimulator } from '../simulator/server';
import { readSeedFile } from '../simulator/seed';
import { openStore } from '../store';
import { SyncEngine } from '../sync/engine';
import { cardGallery } from './card-gallery';
import { CardRenderer, validateCard } from './card-render';

const FIXTURES = [path.resolve(__dirname, '..', '..', 'fixtures'), path.resolve(__dirname, '..', '..', '..', 'fixtures')].find((d) => fs.existsSync(path.join(d, 'demo-directory.ldif')))!;

async function main(folder: string): Promise<number> {
  const sim = new MoodleSimulator({ platforms: readSeedFile(DEMO_SEED).platforms });
  const started = await sim.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-cards-'));
  let renderer: CardRenderer | undefined;
  const env: Record<string, string> = {
    MOODLE_PLATFORMS: started.platforms.map((p) => p.name).join(','),
    DIRECTORY_SOURCE: 'file',
    DIRECTORY_FILE: path.join(FIXTURES, 'demo-directory.ldif'),
    ETAPE_LABELS_FILE: path.join(FIXTURES, 'etapes.csv'),
    DIRECTORY_UAI: '0141408E',
    ACADEMIC_YEAR: '2026',
    SUPPORT_USERS: DEMO_SUPPORT,
    ADMIN_USERS: DEMO_ADMIN,
    DATABASE_URL: `sqlite:${path.join(dataDir, 'cards.db')}`,
  };
  const routes: Record<string, string> = { ecampus: '*PHA*,*DRT*,*SCI*,*INF*,L2T1*', collegium: 'DU*,*LEA*,M2*' };
  for (const p of started.platforms) {
    const P = `MOODLE_${p.name.toUpperCase()}`;
    Object.assign(env, { [`${P}_URL`]: p.url, [`${P}_TOKEN`]: p.token, [`${P}_ETAPES`]: routes[p.name] ?? '*', [`${P}_MAX_INPUT_VARS`]: String(sim.site(p.name).settings.maxInputVars) });
  }
  const config = loadConfig(env);
  const logger = createLogger('warn');
  const store = openStore(config.databaseUrl);
  try {
    const directory = createDirectorySource(config, logger);
    const apis = createPlatformApis(config, logger);
    const engine = new SyncEngine({ config, directory, apis, store, logger });
    const run = await engine.run({ trigger: 'cards' });
    const core = new BotCore({ config, logger, store, directory, apis, engine });
    const gallery = await cardGallery(core, run, { teacher: DEMO_TEACHER, colleague: 'paul.martin@univ-demo.fr', support: DEMO_SUPPORT }, config.academicYear.timezone);
    fs.mkdirSync(folder, { recursive: true });
    renderer = await CardRenderer.start();
    let failed = 0;
    for (const g of gallery) {
      const card = renderCard(g.view);
      const r = await renderer.render(card);
      const problems = [...validateCard(card), ...r.overflow.map((o) => `overflow: ${o}`), ...r.empty.map((e) => `empty: ${e}`)];
      const file = path.join(folder, `${g.name}.${g.lang}.png`);
      fs.writeFileSync(file, r.png);
      process.stdout.write(`${problems.length ? '✗' : '✓'} ${file}${problems.map((p) => `\n    ${p}`).join('')}\n`);
      if (problems.length) failed++;
    }
    return failed ? 1 : 0;
  } finally {
    await renderer?.stop();
    await store.close();
    await sim.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main(path.resolve(process.argv[2] ?? 'cards')).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`cards: ${err.message}\n`);
    process.exit(1);
  },
);
