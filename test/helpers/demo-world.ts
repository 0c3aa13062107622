/**
 * The demo's world for chat and why tests: its directory in memory (so a test may change a student),
 * the simulator with one sync applied, and a bot whose directory is that same memory directory.
 */
import { BotCore } from '../../src/bot/core';
import type { MoodleApi } from '../../src/moodle/api';
import { createPlatformApis } from '../../src/moodle/platforms';
import type { CourseRow, Site, UserRow } from '../../src/simulator/model';
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

/** A manual enrolment that starts later, seen at a fixed instant (the simulator's clock and the bot's). */
export interface LaterEnrolment {
  now: Date;
  /** Its start, in seconds (Moodle's timestart). */
  start: number;
  api: MoodleApi;
  student: UserRow;
  course: CourseRow;
  /** A bot whose clock is `now` (no cache: each question reads Moodle). */
  bot: BotCore;
  /** Unenrols and gives the simulator its clock back. */
  undo(): Promise<void>;
}

/**
 * Enrols `username` in `shortname` manually as a student from `days` days after 2026-12-03 10:00 UTC
 * (in the harness's year), the simulator's clock fixed there, through the service's REST as a person would.
 */
export async function enrolLater(w: DemoWorld, username: string, shortname: string, days: number): Promise<LaterEnrolment> {
  const now = new Date('2026-12-03T10:00:00Z');
  const at = Math.floor(now.getTime() / 1000);
  const clock = w.site.now;
  w.site.now = () => at;
  const api = createPlatformApis(w.h.config).get('ecampus')!;
  const student = w.site.users.first('username', username)!;
  const course = w.site.courses.first('shortname', shortname)!;
  const start = at + days * 86_400;
  await api.manualEnrolUsers([{ roleid: w.site.roles.first('shortname', 'student')!.id, userid: student.id, courseid: course.id, timestart: start }]);
  const bot = new BotCore({ ...w.bot.deps, apis: createPlatformApis(w.h.config), cache: undefined, now: () => now });
  return {
    now,
    start,
    api,
    student,
    course,
    bot,
    async undo() {
      await api.manualUnenrolUsers([{ userid: student.id, courseid: course.id }]);
      w.site.now = clock;
    },
  };
}
