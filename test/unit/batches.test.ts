/**
 * How a list is cut into calls under max_input_vars (MoodleClient.batches): for any items, uniform or
 * not, the batches keep the items in order, each fits, and there are as few as the greedy cut gives —
 * whether the client counted each item or, for items that all cost the same, each run (seeded).
 */
import { countVars, type WsParams, type WsValue } from '../../src/moodle/encode';
import { MoodleClient } from '../../src/moodle/client';

const CONTROL = 3;
let seed = 4242;
// The high bits of an LCG (its low bits cycle with short periods).
const rand = (n: number) => Math.floor(((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * n);

/** An item of `width` leaves: a member pair is two, a core member four, a user with fields more. */
type Item = { id: number; width: number };
const build = (b: Item[]): WsParams => ({ fixed: 'x', members: b.map((it) => Object.fromEntries(Array.from({ length: it.width }, (_, k) => [`f${k}`, it.id]))) });

/** The reference: items taken one by one, a new batch when the next one would not fit. */
function greedy(items: Item[], budget: number): number {
  const fixed = countVars(build([]) as WsValue);
  let batches = items.length > 0 ? 1 : 0;
  let used = 0;
  for (const it of items) {
    const cost = countVars(build([it]) as WsValue) - fixed;
    if (used + cost > budget - fixed) {
      batches++;
      used = 0;
    }
    used += cost;
  }
  return batches;
}

describe('batches under max_input_vars', () => {
  it('keep order, fit, and are as few as the greedy cut, for uniform and mixed items (seeded)', () => {
    for (let round = 0; round < 300; round++) {
      const maxInputVars = CONTROL + 1 + 1 + rand(200);
      const client = new MoodleClient({ platform: 'p', url: 'http://127.0.0.1:1', token: 't', maxInputVars });
      const uniform = rand(2) === 0;
      const width = 1 + rand(4);
      const items: Item[] = Array.from({ length: rand(400) }, (_, id) => ({ id, width: uniform ? width : 1 + rand(4) }));
      const budget = maxInputVars - CONTROL;
      if (items.some((it) => it.width + 1 > budget)) continue;
      const batches = client.batches(items, build);
      expect(batches.flat()).toEqual(items);
      for (const b of batches) expect(countVars(build(b) as WsValue)).toBeLessThanOrEqual(budget);
      expect(batches).toHaveLength(greedy(items, budget));
    }
  });
});
