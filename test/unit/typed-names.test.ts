/** What a person types for a cohort or an étape, read by one rule wherever the bot meets it. */
import { ETAPE_CODE, looksLikeEtape } from '../../src/domain/cohorts';
import { typedEtape, typedIdnumbers, typesManagedIdnumber } from '../../src/bot/resolve';

describe('a cohort or étape as typed', () => {
  it('the idnumbers meant, in order: exactly what was typed, then the managed cohort of that étape (accents and case aside)', () => {
    expect(typedIdnumbers('etp:', ' L2PHA1 ')).toEqual(['l2pha1', 'etp:l2pha1']);
    expect(typedIdnumbers('etp:', 'ETP:L2PHA1')).toEqual(['etp:l2pha1', 'etp:etp:l2pha1']);
    expect(typedIdnumbers('Étp:', 'Tuteurs-é')).toEqual(['tuteurs-e', 'etp:tuteurs-e']);
  });

  it('the étape of a managed idnumber, the prefix left out case aside; anything else as typed', () => {
    expect(typedEtape('etp:', 'etp:L2PHA1')).toBe('L2PHA1');
    expect(typedEtape('etp:', ' ETP:l2pha1 ')).toBe('l2pha1');
    expect(typedEtape('etp:', 'L2PHA1')).toBe('L2PHA1');
    expect(typedEtape('etp:', 'tuteurs')).toBe('tuteurs');
    expect(typesManagedIdnumber('etp:', 'Etp:X')).toBe(true);
    expect(typesManagedIdnumber('etp:', 'X')).toBe(false);
  });

  it('one étape code pattern: 1 to 8 letters or digits, upper case once normalised', () => {
    expect(['L2PHA1', 'M1', 'ABCDEFGH'].every((c) => ETAPE_CODE.test(c))).toBe(true);
    expect(['l2pha1', 'L2-PHA', 'ABCDEFGHI', ''].some((c) => ETAPE_CODE.test(c))).toBe(false);
    expect(looksLikeEtape(' l2pha1 ')).toBe(true);
    expect(looksLikeEtape('e21900123x')).toBe(false);
    expect(looksLikeEtape('marie durand')).toBe(false);
  });
});
