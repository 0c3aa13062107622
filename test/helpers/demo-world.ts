/**
 * The demo's world for chat and why tests: its directory in memory (so a test may change a student),
 * the simulator with one sync applied, and a bot whose directory is that same memory directory.
 */
import type { BotCore } from '../../src/bot/core';
import type { Site } from '../../src/simulator/model';
import { botFor } from './bot';
import { MemoryDirectory, demoStudents } from './directory';
import { SyncHarness, startSyncHarness } from './engine';

export interface DemoWorld {
  h: SyncHarness;
  dir: MemoryDirectory;
  /** The ecampus site of the simulator. */
  site: Site;
  bot: BotCore;
}

export async function startDemoWorld(): Promise<DemoWorld> {
  const dir = new MemoryDirectory();
  dir.students = await demoStudents();
  const h = await startSyncHarness({ directory: dir });
  await h.engine.run();
  const bot = botFor({ ...h, engine: h.newEngine(dir) });
  (bot.deps as { directory: unknown }).directory = dir;
  return { h, dir, site: h.sim.sim.site('ecampus'), bot };
}

/** A test framework's suite hooks (jest's globals, passed in: helpers are also built outside jest). */
export interface SuiteHooks {
  beforeAll: (fn: () => Promise<unknown>, timeout?: number) => void;
  afterAll: (fn: () => Promise<unknown> | undefined, timeout?: number) => void;
}

/**
 * The demo world for a whole suite: started before its tests, stopped after them. Its parts are read
 * through the returned object once the suite runs (`w.bot`, `w.site`…).
 */
export function useDemoWorld(hooks: SuiteHooks): DemoWorld {
  const w = {} as DemoWorld;
  hooks.beforeAll(async () => {
    Object.assign(w, await startDemoWorld());
  });
  hooks.afterAll(() => w.h?.stop());
  return w;
}
