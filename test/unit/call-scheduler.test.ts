/**
 * The order in which a platform's slots are handed out: chat commands first come first served by
 * command (a started command finishes before a later one's calls take the slots), one person's extra
 * commands after everybody's first, and the sync keeping its share while chat keeps a reserved one.
 * Calls are stand-ins that finish when the test says so: the order is exact, no clock is read.
 */
import { CHAT_RESERVE, CallScheduler, asBackground, asCommand, reservedForChat, syncSlots } from '../../src/moodle/scheduler';

/** A call that ends when `finish` is called; `order` records when it got its slot. */
function harness(max: number, chatReserve = CHAT_RESERVE) {
  const s = new CallScheduler(max, chatReserve);
  const order: string[] = [];
  const running = new Map<string, () => void>();
  const call = (name: string) =>
    s.run(
      () =>
        new Promise<void>((resolve) => {
          order.push(name);
          running.set(name, resolve);
        }),
    );
  /** Lets queued continuations run (microtasks and the scheduler's setImmediate). */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const finish = async (name: string) => {
    const r = running.get(name);
    if (!r) throw new Error(`${name} is not running (running: ${[...running.keys()].join(', ')})`);
    running.delete(name);
    r();
    await settle();
  };
  return { s, order, running, call, settle, finish };
}

describe('CallScheduler', () => {
  it('finishes a started command before a later command\'s calls take the slot (not call-by-call FIFO)', async () => {
    const h = harness(1);
    const command = (name: string, calls: number) => asCommand(`${name}@univ`, async () => {
      for (let i = 1; i <= calls; i++) await h.call(`${name}${i}`);
    });
    const a = command('A', 3);
    const b = command('B', 3);
    const c = command('C', 2);
    await h.settle();
    for (const n of ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'C2']) await h.finish(n);
    await Promise.all([a, b, c]);
    expect(h.order).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'C2']);
  });

  it('a person\'s second and third commands wait behind other people\'s first, not the other way round', async () => {
    const h = harness(1);
    const busy = asCommand('blocker@univ', () => h.call('blocker'));
    await h.settle();
    const one = (who: string, name: string) => asCommand(who, () => h.call(name));
    const all = [one('ten@univ', 'ten-1'), one('ten@univ', 'ten-2'), one('ten@univ', 'ten-3'), one('other@univ', 'other-1'), one('third@univ', 'third-1')];
    await h.settle();
    for (const n of ['blocker', 'ten-1', 'other-1', 'third-1', 'ten-2', 'ten-3']) await h.finish(n);
    await Promise.all([busy, ...all]);
    expect(h.order).toEqual(['blocker', 'ten-1', 'other-1', 'third-1', 'ten-2', 'ten-3']);
  });

  it('a running sync keeps its own slots and never takes chat\'s reserve; chat takes what the sync leaves idle', async () => {
    const h = harness(6);
    const busyBy = () => ({ chat: [...h.running.keys()].filter((k) => !k.startsWith('sync')).length, sync: [...h.running.keys()].filter((k) => k.startsWith('sync')).length });
    // The sync alone: its three slots of six, never the three kept for chat.
    const sync = Array.from({ length: 12 }, (_, i) => h.call(`sync-${i}`));
    await h.settle();
    expect(h.order).toEqual(['sync-0', 'sync-1', 'sync-2']);
    expect(h.s.backgroundMax).toBe(3);
    // Chat arrives with eight calls at once (four commands of two parallel calls): three start at once.
    const chat = ['w', 'x', 'y', 'z'].map((who) => asCommand(`${who}@univ`, () => Promise.all([h.call(`${who}-a`), h.call(`${who}-b`)])));
    await h.settle();
    expect(busyBy()).toEqual({ chat: 3, sync: 3 });
    // A sync call ends: its slot goes back to the sync (it keeps its throughput).
    await h.finish('sync-0');
    expect(busyBy()).toEqual({ chat: 3, sync: 3 });
    // A chat call ends: the next chat call takes the reserved slot, in command order.
    await h.finish('w-a');
    expect(busyBy()).toEqual({ chat: 3, sync: 3 });
    expect(h.order.filter((n) => !n.startsWith('sync'))).toEqual(['w-a', 'w-b', 'x-a', 'x-b']);
    // Run everything out: nobody starves, every call ran once, never more than six at once.
    while (h.running.size > 0) await h.finish([...h.running.keys()][0]!);
    await Promise.all([...sync, ...chat]);
    expect(h.order).toHaveLength(20);
    expect(h.s.peak).toBe(6);
  });

  it('the sync leaves slots idle: chat uses them too', async () => {
    const h = harness(6);
    const sync = [h.call('sync-0')];
    const chat = ['p', 'q', 'r'].map((who) => asCommand(`${who}@univ`, () => Promise.all([h.call(`${who}-1`), h.call(`${who}-2`)])));
    await h.settle();
    expect(h.order).toEqual(['sync-0', 'p-1', 'p-2', 'q-1', 'q-2', 'r-1']);
    while (h.running.size > 0) await h.finish([...h.running.keys()][0]!);
    await Promise.all([...sync, ...chat]);
  });

  it.each([
    [1, 0, 1],
    [2, 1, 1],
    [3, 1, 2],
    [4, 2, 2],
    [6, 3, 3],
    [9, 4, 5],
  ])('%i slots: %i kept for chat, the sync at most %i', (slots, reserve, sync) => {
    expect(reservedForChat(slots)).toBe(reserve);
    expect(syncSlots(slots)).toBe(sync);
  });

  it('chat alone uses every slot, in command order', async () => {
    const h = harness(2);
    const chat = ['p', 'q', 'r'].map((who) => asCommand(`${who}@univ`, () => Promise.all([h.call(`${who}-1`), h.call(`${who}-2`)])));
    await h.settle();
    expect(h.order).toEqual(['p-1', 'p-2']);
    while (h.running.size > 0) await h.finish([...h.running.keys()][0]!);
    await Promise.all(chat);
    expect(h.order).toEqual(['p-1', 'p-2', 'q-1', 'q-2', 'r-1', 'r-2']);
  });

  /** A seeded generator (LCG): the same draws every run. */
  const seeded = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

  it.each([1, 2, 3])('seed %i: forty commands waiting, each is served whole, in order of (the person\'s round, arrival)', async (seed) => {
    const rand = seeded(seed);
    const h = harness(1);
    const blocker = asCommand('blocker@univ', () => h.call('blocker'));
    await h.settle();
    const people = ['a', 'b', 'c', 'd', 'e', 'f'];
    const expected: Array<{ name: string; round: number; seq: number; calls: number }> = [];
    const inProgress = new Map<string, number>();
    const commands: Array<Promise<unknown>> = [];
    for (let seq = 0; seq < 40; seq++) {
      const who = people[Math.floor(rand() * people.length)]!;
      const calls = 1 + Math.floor(rand() * 4);
      const round = inProgress.get(who) ?? 0;
      inProgress.set(who, round + 1);
      const name = `${who}${seq}`;
      expected.push({ name, round, seq, calls });
      commands.push(asCommand(`${who}@univ`, async () => {
        for (let i = 0; i < calls; i++) await h.call(`${name}.${i}`);
      }));
    }
    await h.settle();
    while (h.running.size > 0) await h.finish([...h.running.keys()][0]!);
    await Promise.all([blocker, ...commands]);
    const want = expected.sort((x, y) => x.round - y.round || x.seq - y.seq).flatMap((c) => Array.from({ length: c.calls }, (_, i) => `${c.name}.${i}`));
    expect(h.order).toEqual(['blocker', ...want]);
  });

  it.each([
    [4, 4],
    [5, 4],
    [6, 6],
    [7, 6],
    [8, 3],
  ])('seed %i, %i slots: a sync and bursts of chat at random, calls ending in random order: no slot idle while work waits, the sync never over its own slots nor under them while both wait, nobody starved', async (seed, slots) => {
    const rand = seeded(seed);
    const h = harness(slots);
    const own = syncSlots(slots);
    const all: Array<Promise<unknown>> = [];
    for (let i = 0; i < 60; i++) all.push(h.call(`sync-${i}`));
    let bursts = 0;
    let bothSeen = 0;
    while (h.running.size > 0) {
      // Now and then a burst of chat commands, each with one to three calls at once.
      if (bursts < 8 && rand() < 0.2) {
        const n = 1 + Math.floor(rand() * 4);
        for (let c = 0; c < n; c++) {
          const name = `chat${bursts}-${c}`;
          const calls = 1 + Math.floor(rand() * 3);
          all.push(asCommand(`${name}@univ`, () => Promise.all(Array.from({ length: calls }, (_, i) => h.call(`${name}.${i}`)))));
        }
        bursts++;
        await h.settle();
      }
      const running = [...h.running.keys()];
      const waiting = h.s.waiting;
      const syncRunning = running.filter((k) => k.startsWith('sync')).length;
      expect(syncRunning).toBeLessThanOrEqual(own);
      // No slot idle while chat waits; the sync waits only when it holds its own slots.
      if (waiting.chat > 0) expect(running).toHaveLength(slots);
      if (waiting.background > 0) expect(syncRunning === own || running.length === slots).toBe(true);
      // Both waiting: chat holds at least its reserve (the sync never takes it).
      if (waiting.chat > 0 && waiting.background > 0) {
        bothSeen++;
        expect(running.length - syncRunning).toBeGreaterThanOrEqual(reservedForChat(slots));
      }
      const next = running[Math.floor(rand() * running.length)]!;
      await h.finish(next);
    }
    await Promise.all(all);
    expect(h.s.waiting).toEqual({ chat: 0, background: 0 });
    // Every call ran once.
    expect(new Set(h.order).size).toBe(h.order.length);
    expect(h.order.filter((n) => n.startsWith('sync'))).toHaveLength(60);
    expect(bothSeen).toBeGreaterThan(0);
  });

  it('a whole sync asked from a chat command queues as background work, not at the command\'s place', async () => {
    const h = harness(1);
    const blocker = h.call('sync-0');
    await h.settle();
    const admin = asCommand('admin@univ', () => asBackground(() => Promise.all([h.call('sync-admin-1'), h.call('sync-admin-2')])));
    const later = asCommand('teacher@univ', () => h.call('teacher'));
    await h.settle();
    expect(h.s.waiting).toEqual({ chat: 1, background: 2 });
    while (h.running.size > 0) await h.finish([...h.running.keys()][0]!);
    await Promise.all([blocker, admin, later]);
    // The teacher's question, asked after, goes first: the admin's run waits with the sync's calls.
    expect(h.order).toEqual(['sync-0', 'teacher', 'sync-admin-1', 'sync-admin-2']);
  });
});
