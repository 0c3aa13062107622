/** A sync engine wired to an in-process simulator, a temp SQLite store and a given directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, loadConfig } from '../../src/config';
import type { DirectorySource } from '../../src/directory/types';
import { createPlatformApis } from '../../src/moodle/platforms';
import { SqliteStore } from '../../src/store/sqlite';
import { SyncEngine } from '../../src/sync/engine';
import { REPO_FIXTURES, RunningSimulator, startSimulator } from './simulator';

export const DEMO_SEED = path.join(REPO_FIXTURES, 'moodle-seed.json');

/**
 * The demo seed on sites that run another cohort-sync plugin. With local_ws_enrolcohort the service
 * role gets the extra capabilities the plugin README asks for there (fixtures/service-role.json).
 */
export function demoSeedWith(plugin: 'local_cohortbot' | 'local_ws_enrolcohort' | 'none'): unknown {
  const seed = JSON.parse(fs.readFileSync(DEMO_SEED, 'utf8')) as { platforms: Array<{ settings: Record<string, unknown>; roles: Array<{ shortname: string; capabilities: string[] }> }> };
  const role = JSON.parse(fs.readFileSync(path.join(REPO_FIXTURES, 'service-role.json'), 'utf8')) as { shortname: string; fallbackCapabilities: string[] };
  for (const p of seed.platforms) {
    p.settings.cohortSyncPlugin = plugin;
    if (plugin === 'local_ws_enrolcohort') p.roles.find((r) => r.shortname === role.shortname)!.capabilities.push(...role.fallbackCapabilities);
  }
  return seed;
}

/** The environment of the demo, pointed at a running simulator. */
export function demoEnv(sim: RunningSimulator, extra: Record<string, string> = {}, dir?: string): Record<string, string> {
  const [ecampus, collegium] = [sim.platforms.find((p) => p.name === 'ecampus')!, sim.platforms.find((p) => p.name === 'collegium')!];
  return {
    MOODLE_PLATFORMS: 'ecampus,collegium',
    MOODLE_ECAMPUS_URL: ecampus.url,
    MOODLE_ECAMPUS_TOKEN: ecampus.token,
    MOODLE_ECAMPUS_ETAPES: '*PHA*,*DRT*,*SCI*,*INF*,L2T1*',
    MOODLE_ECAMPUS_MAX_INPUT_VARS: String(sim.sim.site('ecampus').settings.maxInputVars),
    MOODLE_ECAMPUS_AUTO_SPACE_CATEGORIES: 'AUTO',
    MOODLE_COLLEGIUM_URL: collegium.url,
    MOODLE_COLLEGIUM_TOKEN: collegium.token,
    MOODLE_COLLEGIUM_ETAPES: 'DU*,*LEA*,M2*',
    MOODLE_COLLEGIUM_MAX_INPUT_VARS: String(sim.sim.site('collegium').settings.maxInputVars),
    MOODLE_RETRY_BASE_MS: '5',
    DIRECTORY_SOURCE: 'file',
    DIRECTORY_FILE: path.join(REPO_FIXTURES, 'demo-directory.ldif'),
    ETAPE_LABELS_FILE: path.join(REPO_FIXTURES, 'etapes.csv'),
    DIRECTORY_UAI: '0141408E',
    ACADEMIC_YEAR: '2026',
    DATABASE_URL: `sqlite:${path.join(dir ?? os.tmpdir(), 'cohortbot-test.db')}`,
    LOG_LEVEL: 'silent',
    SUPPORT_USERS: 'claire.moreau@univ-demo.fr',
    ADMIN_USERS: 'admin.moodle@univ-demo.fr',
    ...extra,
  };
}

export interface SyncHarness {
  sim: RunningSimulator;
  config: Config;
  store: SqliteStore;
  engine: SyncEngine;
  dir: string;
  env: Record<string, string>;
  newEngine(directory?: DirectorySource): SyncEngine;
  stop(): Promise<void>;
}

export async function startSyncHarness(opts: { directory?: DirectorySource; env?: Record<string, string>; seed?: unknown } = {}): Promise<SyncHarness> {
  const sim = await startSimulator(opts.seed ?? DEMO_SEED);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-engine-'));
  const env = demoEnv(sim, opts.env, dir);
  const config = loadConfig(env);
  const store = new SqliteStore(path.join(dir, 'cohortbot-test.db'));
  const { createDirectorySource } = await import('../../src/directory');
  const make = (directory?: DirectorySource) => new SyncEngine({ config, directory: directory ?? opts.directory ?? createDirectorySource(config), apis: createPlatformApis(config), store });
  return {
    sim,
    config,
    store,
    engine: make(),
    dir,
    env,
    newEngine: make,
    async stop() {
      await store.close();
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
