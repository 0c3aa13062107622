import { FingerprintSum, fingerprintOf, keyHash } from '../../src/domain/fingerprint';

const hex = (k: string) => keyHash(k).map((h) => h.toString(16).padStart(8, '0')).join('');

describe('cohort fingerprints', () => {
  it("hashes a key as the plugin's PHP does (hash('fnv1a64'), then fmix32 per half), UTF-8 included", () => {
    // Values printed by PHP 8.2 running get_managed_cohorts::key_hash().
    expect(hex('')).toBe('7347a9db2c773e2c');
    expect(hex('abc')).toBe('75b054fe1252fe11');
    expect(hex('e21900123')).toBe('5e18449c585be7b9');
    expect(hex('élodie.martin@univ.fr')).toBe('9242d85142d9b7c2');
    expect(fingerprintOf(['e21900001', 'e21900002'])).toBe('2-9411a52f5e98cdc4');
  });

  it('tells apart two pairs of sequential student numbers with the same sum of last digits (plain FNV-1a would not)', () => {
    expect(fingerprintOf(['e21900001', 'e21900004'])).not.toBe(fingerprintOf(['e21900002', 'e21900003']));
  });

  it('does not depend on the order of the members', () => {
    expect(fingerprintOf(['e1', 'e2', 'e3'])).toBe(fingerprintOf(['e3', 'e1', 'e2']));
  });

  it('changes when a member is added, removed or replaced by another key', () => {
    const base = fingerprintOf(['e1', 'e2', 'e3']);
    expect(fingerprintOf(['e1', 'e2', 'e3', 'e4'])).not.toBe(base);
    expect(fingerprintOf(['e1', 'e2'])).not.toBe(base);
    // One member renamed (the same count, another key): another sum.
    expect(fingerprintOf(['e1', 'e2', 'e9'])).not.toBe(base);
    // A member added and another removed: the count alone would not see it.
    expect(fingerprintOf(['e1', 'e2', 'e4'])).not.toBe(base);
  });

  it('writes the count first, then the two sums', () => {
    expect(fingerprintOf([])).toBe('0-0000000000000000');
    expect(new FingerprintSum().add(keyHash('abc')).toString()).toBe('1-75b054fe1252fe11');
    // The halves wrap modulo 2^32 as PHP's masked sums do.
    const [h, l] = keyHash('abc');
    const twice = (x: number) => ((x * 2) % 2 ** 32).toString(16).padStart(8, '0');
    expect(fingerprintOf(['abc', 'abc'])).toBe(`2-${twice(h)}${twice(l)}`);
  });
});
