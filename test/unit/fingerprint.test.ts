import { FingerprintSum, fingerprintOf, keyHash } from '../../src/domain/fingerprint';

const hex = (k: string) => keyHash(k).map((h) => h.toString(16).padStart(8, '0')).join('');

describe('cohort fingerprints', () => {
  it("hashes a key as PHP's hash('fnv1a64') does, UTF-8 included", () => {
    // Values printed by PHP 8.2: php -r 'echo hash("fnv1a64", "abc");'
    expect(hex('')).toBe('cbf29ce484222325');
    expect(hex('abc')).toBe('e71fa2190541574b');
    expect(hex('e21900123')).toBe('e27c2cd0556bc60c');
    expect(hex('élodie.martin@univ.fr')).toBe('3cb735a44e0c0b89');
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
    expect(new FingerprintSum().add(keyHash('abc')).toString()).toBe('1-e71fa2190541574b');
    // The halves wrap modulo 2^32 as PHP's masked sums do.
    expect(fingerprintOf(['abc', 'abc'])).toBe(`2-${(((0xe71fa219 * 2) % 2 ** 32) >>> 0).toString(16).padStart(8, '0')}${(((0x0541574b * 2) % 2 ** 32) >>> 0).toString(16).padStart(8, '0')}`);
  });
});
