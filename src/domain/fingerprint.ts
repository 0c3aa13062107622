/**
 * A cohort's fingerprint: its member count and an order-free sum of its members' keys, so the sync can
 * tell a cohort already in step with the directory without reading it member by member.
 *
 * What it covers (docs/moodle.md §2, "fingerprints"): the keys of the members the sync's member read
 * returns — live accounts (not deleted), suspended or not, each key normalised as the sync matches it
 * (lower case for usernames and e-mails). The sync's plan treats a suspended member like any other
 * (suspension is Moodle's business, not the cohort's), so leaving suspension out keeps it exact; a
 * deleted account is no member to the read, so it is none to the fingerprint either, and a desired
 * student whose account is gone makes the sums differ. A renamed account changes its key, hence the sum.
 *
 * The same arithmetic runs in PHP (local_cohortbot's get_managed_cohorts, `hash('fnv1a64')`) and in the
 * simulator: FNV-1a 64 of the key's UTF-8 bytes, each 32-bit half put through MurmurHash3's fmix32,
 * the high and low halves summed separately modulo 2^32 (PHP's integers overflow into floats past 2^63; halves never do), written
 * `<count>-<hi 8 hex><lo 8 hex>`. A sum, not a sorted digest, so no database has to sort keys the way
 * JavaScript does. Two different member sets agree only by chance (about 2^-64 with the same count).
 */

/** The two 32-bit halves of FNV-1a 64 of `key`'s UTF-8 bytes. */
export function keyHash(key: string): [number, number] {
  // FNV-1a 64: offset basis 0xcbf29ce484222325, prime 2^40 + 0x1b3, computed on two 32-bit halves.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const bytes = isAscii(key) ? undefined : Buffer.from(key, 'utf8');
  const n = bytes ? bytes.length : key.length;
  for (let i = 0; i < n; i++) {
    lo = (lo ^ (bytes ? bytes[i]! : key.charCodeAt(i))) >>> 0;
    // (hi·2^32 + lo) × (2^40 + 0x1b3) mod 2^64: lo×0x1b3 < 2^41, exact in a double.
    const low = lo * 0x1b3;
    const carry = Math.floor(low / 0x1_0000_0000);
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = low >>> 0;
  }
  // FNV alone is nearly linear in a key's last byte: {…1, …4} and {…2, …3} would sum alike. MurmurHash3's
  // 32-bit finaliser on each half breaks that.
  return [fmix32(hi), fmix32(lo)];
}

/** MurmurHash3's fmix32 (PHP does the same with 16-bit partial products: its integers are not 32-bit). */
function fmix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** An order-free accumulator of keys (add each member once). */
export class FingerprintSum {
  count = 0;
  private hi = 0;
  private lo = 0;

  add([hi, lo]: readonly [number, number]): this {
    return this.addHalves(hi, lo);
  }

  addHalves(hi: number, lo: number): this {
    this.count++;
    this.hi = (this.hi + hi) >>> 0;
    this.lo = (this.lo + lo) >>> 0;
    return this;
  }

  toString(): string {
    return `${this.count}-${hex8(this.hi)}${hex8(this.lo)}`;
  }
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** The fingerprint of a set of (already normalised) keys. */
export function fingerprintOf(keys: Iterable<string>): string {
  const sum = new FingerprintSum();
  for (const k of keys) sum.add(keyHash(k));
  return sum.toString();
}
