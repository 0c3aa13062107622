import { ConfigError, loadConfig } from '../../src/config';

const base = {
  MOODLE_PLATFORMS: 'ecampus,collegium',
  MOODLE_ECAMPUS_URL: 'https://ecampus.example.edu/',
  MOODLE_ECAMPUS_TOKEN: 'tok-e',
  MOODLE_COLLEGIUM_URL: 'https://collegium.example.edu',
  MOODLE_COLLEGIUM_TOKEN: 'tok-c',
  DIRECTORY_SOURCE: 'file',
  DIRECTORY_FILE: 'fixtures/demo-directory.ldif',
};

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('config', () => {
  it('reads per-platform settings with defaults', () => {
    const c = loadConfig({ ...base, MOODLE_ECAMPUS_CONCURRENCY: '2', MOODLE_MAX_INPUT_VARS: '5000', MOODLE_ECAMPUS_ETAPES: 'L*PHA*, M1*' });
    expect(c.platforms.map((p) => [p.name, p.url, p.concurrency, p.maxInputVars])).toEqual([
      ['ecampus', 'https://ecampus.example.edu', 2, 5000],
      ['collegium', 'https://collegium.example.edu', 6, 5000],
    ]);
    expect(c.platforms[0]!.etapes).toEqual(['L*PHA*', 'M1*']);
    expect(c.platforms[1]!.etapes).toEqual(['*']);
    expect(c.guard).toEqual({ minSourceRecords: 1, minSourceRatio: 0.8, maxRemovals: 500, maxRemovalPercent: 10 });
    expect(c.userMatch).toEqual({ moodleField: 'username', attribute: 'uid' });
    expect(c.schedule).toEqual({ cron: '0 2 * * *', timezone: 'Europe/Paris', leaseTtlMs: 120_000 });
  });

  it('gives every unset or blank variable its one default', () => {
    for (const env of [base, { ...base, MOODLE_TIMEOUT_MS: '', LDAP_PAGE_SIZE: '  ', ACADEMIC_YEAR_START: '', PORT: '' }]) {
      const c = loadConfig(env);
      expect(c.moodle).toEqual({ timeoutMs: 30_000, timeoutPerVarMs: 20, retries: 3, retryBaseMs: 200, recordFile: undefined });
      expect(c.directory.ldap).toMatchObject({ filter: '(eduPersonAffiliation=student)', pageSize: 500, startTls: false, timeoutMs: 60_000, connectTimeoutMs: 5000, timeLimitSeconds: 60 });
      expect(c.directory).toMatchObject({ source: 'file', acceptForeignEtapeQualifier: false, maxFileAgeHours: 0 });
      expect(c.academicYear).toEqual({ start: '08-15', nextYearFrom: '07-01', graceUntil: '10-15', timezone: 'Europe/Paris', year: undefined });
      expect(c.cohorts).toEqual({ idnumberPrefix: 'etp:', nameTemplate: '{label} ({etape})' });
      expect([c.retentionDays, c.databaseUrl, c.port, c.logLevel]).toEqual([400, 'sqlite:data/cohortbot.db', 3978, 'info']);
      expect(c.teams).toMatchObject({ appType: 'MultiTenant', localMode: false });
      expect(c.slack.teamIds).toEqual([]);
      expect([c.chatIdentityMatch, c.chatIdentityDomains, c.confirmTtlMinutes, c.cohortSyncFallbackRoles, c.supportUsers, c.adminUsers]).toEqual(['email', [], 15, ['student'], [], []]);
      expect(c.platforms.map((p) => [p.concurrency, p.maxInputVars, p.autoSpaceCategories, p.cohortCategory])).toEqual([
        [6, 1000, [], undefined],
        [6, 1000, [], undefined],
      ]);
    }
  });

  it('names every bad variable once, with what it expects', () => {
    const list = problems({
      ...base,
      MOODLE_ECAMPUS_URL: 'not a url',
      MOODLE_COLLEGIUM_TOKEN: '',
      MOODLE_CONCURRENCY: 'lots',
      SYNC_MIN_SOURCE_RATIO: '1.5',
      LOG_LEVEL: 'chatty',
      USER_MATCH: 'firstname=cn',
      ACADEMIC_YEAR_START: '15-08',
    });
    expect(list).toHaveLength(7);
    expect(list.find((l) => l.startsWith('MOODLE_ECAMPUS_URL='))).toMatch(/expected an http\(s\) URL/);
    expect(list.find((l) => l.startsWith('MOODLE_COLLEGIUM_TOKEN'))).toMatch(/missing/);
    expect(list.find((l) => l.startsWith('MOODLE_CONCURRENCY'))).toMatch(/whole number from 1 to 64/);
    expect(list.find((l) => l.startsWith('SYNC_MIN_SOURCE_RATIO'))).toMatch(/from 0 to 1/);
    expect(list.find((l) => l.startsWith('LOG_LEVEL'))).toMatch(/one of fatal/);
    expect(list.find((l) => l.startsWith('USER_MATCH'))).toMatch(/moodlefield=directoryattribute/);
    expect(list.find((l) => l.startsWith('ACADEMIC_YEAR_START'))).toMatch(/month-day/);
  });

  it('asks for the platform list and the source file when they are missing', () => {
    expect(problems({ DIRECTORY_SOURCE: 'file' })).toEqual([
      'MOODLE_PLATFORMS: missing; expected a comma-separated list of platform names (e.g. ecampus,collegium)',
      'DIRECTORY_FILE: missing; expected the path of an .ldif or .csv file when DIRECTORY_SOURCE=file',
    ]);
  });

  it('requires the LDAP URL and base when the source is ldap', () => {
    const list = problems({ ...base, DIRECTORY_SOURCE: 'ldap', DIRECTORY_FILE: '' });
    expect(list.some((l) => l.startsWith('LDAP_URL'))).toBe(true);
    expect(list.some((l) => l.startsWith('LDAP_BASE_DN'))).toBe(true);
  });

  it('never echoes a secret value in a problem line', () => {
    const list = problems({ ...base, MOODLE_PLATFORMS: 'ecampus', MOODLE_ECAMPUS_TOKEN: '   ', SLACK_API_URL: 'ftp://x' });
    expect(list.join('\n')).not.toContain('tok-e');
  });

  it('rejects repeated or badly named platforms', () => {
    expect(problems({ ...base, MOODLE_PLATFORMS: 'ecampus,ecampus' })[0]).toMatch(/without repeats/);
    expect(problems({ ...base, MOODLE_PLATFORMS: 'Ecampus!' })[0]).toMatch(/lower case/);
  });
});

describe('dropped settings', () => {
  it('SYNC_DELETE_UNUSED_EMPTY_COHORTS=true is refused with what to do, never silently ignored', () => {
    expect(() => loadConfig({ SYNC_DELETE_UNUSED_EMPTY_COHORTS: 'true' }, { moodle: false, directory: false })).toThrow(/not supported — managed cohorts are emptied, never deleted/);
    expect(() => loadConfig({ SYNC_DELETE_UNUSED_EMPTY_COHORTS: 'false' }, { moodle: false, directory: false })).not.toThrow();
  });
});
