/**
 * Waits for a condition, not for a time: `probe` is asked every `everyMs` until it returns something
 * truthy, which is returned. The deadline is generous (a slow, shared machine must not fail a test);
 * passing it fails with what was awaited.
 */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function until<T>(what: string, probe: () => T | Promise<T>, { timeoutMs = 60_000, everyMs = 25 }: { timeoutMs?: number; everyMs?: number } = {}): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}, in vain`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
