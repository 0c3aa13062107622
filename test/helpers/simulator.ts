/** Starts the Moodle simulator on an ephemeral port for one test file. */
import path from 'node:path';
import { MoodleSimulator, Knobs } from '../../src/simulator/server';
import { PlatformSeed, parseSeed, readSeedFile } from '../../src/simulator/seed';
import { MoodleClient, MoodleClientOptions } from '../../src/moodle/client';
import { MoodleApi } from '../../src/moodle/api';
import type { Site } from '../../src/simulator/model';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
export const REPO_FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');

export interface RunningSimulator {
  sim: MoodleSimulator;
  url: string;
  platforms: Array<{ name: string; url: string; token: string }>;
  api(name: string, opts?: Partial<MoodleClientOptions>): MoodleApi;
  stop(): Promise<void>;
}

/** A seeded PRNG (mulberry32): fault injection in tests is the same on every run. */
export function seededRandom(seed = 20261129): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startSimulator(seed: string | PlatformSeed[] | unknown, opts: { knobs?: Partial<Knobs>; statePath?: string; random?: () => number } = {}): Promise<RunningSimulator> {
  const platforms = typeof seed === 'string' ? readSeedFile(seed).platforms : Array.isArray(seed) ? (seed as PlatformSeed[]) : parseSeed(seed).platforms;
  const sim = new MoodleSimulator({ platforms, knobs: opts.knobs, statePath: opts.statePath, random: opts.random ?? seededRandom() });
  const started = await sim.start();
  const clients: MoodleClient[] = [];
  return {
    sim,
    url: started.url,
    platforms: started.platforms,
    api(name, clientOpts = {}) {
      const p = started.platforms.find((x) => x.name === name);
      if (!p) throw new Error(`no platform ${name}`);
      const client = new MoodleClient({ platform: name, url: p.url, token: p.token, retryBaseMs: 5, maxInputVars: sim.site(name).settings.maxInputVars, ...clientOpts });
      clients.push(client);
      return new MoodleApi(client);
    },
    stop: () => sim.stop(),
  };
}

/** A user's id on a simulated site, by username. */
export const uid = (site: Site, username: string): number => site.users.first('username', username)!.id;
/** A course's id on a simulated site, by short name. */
export const cid = (site: Site, shortname: string): number => site.courses.first('shortname', shortname)!.id;
/** The Moodle error code (or the refusal's code, or the message) a call fails with; 'no error' when it succeeds. */
export const errorCode = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no error',
    (e: { errorcode?: string; code?: string; message: string }) => e.errorcode ?? e.code ?? e.message,
  );
