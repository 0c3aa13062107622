import { cohortIdnumber, cohortName, etapeOfIdnumber, globMatch, isManaged, platformsFor } from '../../src/domain/cohorts';

describe('managed cohorts', () => {
  const naming = { prefix: 'etp:', template: '{label} ({etape})' };
  it('owns cohorts by idnumber prefix alone', () => {
    expect(cohortIdnumber(naming, 'L2PHA1')).toBe('etp:L2PHA1');
    expect(isManaged(naming, 'etp:L2PHA1')).toBe(true);
    expect(isManaged(naming, 'tuteurs-l2-pharma')).toBe(false);
    expect(isManaged(naming, 'etp:')).toBe(false);
    expect(isManaged(naming, 'ETP:L2PHA1')).toBe(false);
    expect(etapeOfIdnumber(naming, 'etp:M1INF1')).toBe('M1INF1');
  });

  it('names cohorts from the template, the code alone without a label', () => {
    expect(cohortName(naming, { etape: 'L2PHA1', label: 'Licence 2 Pharmacie' })).toBe('Licence 2 Pharmacie (L2PHA1)');
    expect(cohortName(naming, { etape: 'L2PHA1' })).toBe('L2PHA1');
    const cemu = { template: '{composante}: {label}' };
    expect(cohortName(cemu, { etape: 'DUCGE1', label: 'DU Capacité de Gestion des Entreprises - FOAD', composante: 'CEMU' })).toBe('CEMU: DU Capacité de Gestion des Entreprises - FOAD');
    expect(cohortName(cemu, { etape: 'DUCGE1', label: 'DU Capacité' })).toBe('DU Capacité');
    expect(cohortName({ template: '{etape}' }, { etape: 'X1' })).toBe('X1');
    expect(cohortName(naming, { etape: 'X1', label: 'x'.repeat(400) }).length).toBe(254);
  });

  it('routes étapes to platforms with globs', () => {
    const platforms = [
      { name: 'ecampus', etapes: ['*PHA*', 'L2T1*'] },
      { name: 'collegium', etapes: ['DU*', 'M2??E1'] },
      { name: 'all', etapes: ['*'] },
    ];
    expect(platformsFor('L2PHA1', platforms)).toEqual(['ecampus', 'all']);
    expect(platformsFor('DUCGE1', platforms)).toEqual(['collegium', 'all']);
    expect(platformsFor('M2MEE1', platforms)).toEqual(['collegium', 'all']);
    expect(platformsFor('M2MEEF1', platforms)).toEqual(['all']);
    expect(globMatch('l2*', 'L2T101')).toBe(true);
    expect(globMatch('L2.*', 'L2T101')).toBe(false);
  });
});
