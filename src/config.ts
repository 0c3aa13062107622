/**
 * The one place that reads the environment. Every variable is validated with zod; a bad value is
 * reported as one line naming the variable and what it expects, never as a stack trace.
 */
import { z } from 'zod';
import { maskUrl } from './util/mask-url';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PLATFORM_NAME = /^[a-z][a-z0-9_]{0,30}$/;
const MMDD = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `a whole number from ${min} to ${max}`).max(max, `a whole number from ${min} to ${max}`));
const ratio = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'a number from 0 to 1')
  .transform(Number)
  .pipe(z.number().min(0, 'a number from 0 to 1').max(1, 'a number from 0 to 1'));
const percent = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'a percentage from 0 to 100')
  .transform(Number)
  .pipe(z.number().min(0).max(100, 'a percentage from 0 to 100'));
const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), 'true or false')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const url = z
  .string()
  .trim()
  .url('an http(s) URL such as https://moodle.example.edu')
  .refine((v) => /^https?:\/\//.test(v), 'an http(s) URL such as https://moodle.example.edu')
  .transform((v) => v.replace(/\/+$/, ''));
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
const emails = list.pipe(z.array(z.string().email('a comma-separated list of e-mail addresses')))
  .transform((a) => a.map((e) => e.toLowerCase()));
const mmdd = z.string().trim().regex(MMDD, 'a month-day such as 08-15');
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  errorMap: () => ({ message: 'one of fatal, error, warn, info, debug, trace, silent' }),
});
const userMatch = z
  .string()
  .trim()
  .regex(/^(username|idnumber|email)=[A-Za-z][A-Za-z0-9-]*$/, 'moodlefield=directoryattribute with moodlefield one of username, idnumber, email (e.g. username=uid)')
  .transform((v) => {
    const [moodleField, attribute] = v.split('=') as ['username' | 'idnumber' | 'email', string];
    return { moodleField, attribute };
  });

export interface PlatformConfig {
  name: string;
  url: string;
  token: string;
  etapes: string[];
  autoSpaceCategories: string[];
  cohortCategory?: string;
  concurrency: number;
  maxInputVars: number;
}

export interface LdapSettings {
  url?: string;
  bindDn?: string;
  bindPassword?: string;
  baseDn?: string;
  filter: string;
  pageSize: number;
  caFile?: string;
  startTls: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  timeLimitSeconds: number;
}

export interface Config {
  nodeEnv: string;
  logLevel: z.infer<typeof logLevel>;
  platforms: PlatformConfig[];
  moodle: { timeoutMs: number; timeoutPerVarMs: number; retries: number; retryBaseMs: number; recordFile?: string };
  directory: {
    source: 'ldap' | 'file';
    file?: string;
    ldap: LdapSettings;
    uai?: string;
    acceptForeignEtapeQualifier: boolean;
    maxFileAgeHours: number;
    etapeLabelsFile?: string;
  };
  userMatch: { moodleField: 'username' | 'idnumber' | 'email'; attribute: string };
  academicYear: { start: string; nextYearFrom: string; graceUntil: string; timezone: string; year?: number };
  cohorts: { idnumberPrefix: string; nameTemplate: string };
  guard: {
    minSourceRecords: number;
    minSourceRatio: number;
    maxRemovals: number;
    maxRemovalPercent: number;
  };
  schedule: { cron: string; timezone: string; leaseTtlMs: number };
  retentionDays: number;
  databaseUrl: string;
  port: number;
  teams: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    digestConversationId?: string;
    serviceUrl?: string;
    /** Bot Framework Emulator only: /api/messages without authentication, from loopback only, never in production. */
    localMode: boolean;
    /** TEAMS_MULTI_TENANT=true: serve every tenant (stated explicitly); otherwise production requires MicrosoftAppTenantId. */
    multiTenant: boolean;
  };
  slack: { botToken?: string; signingSecret?: string; appToken?: string; digestChannel?: string; apiUrl?: string; teamIds: string[] };
  /** Bearer token protecting GET /metrics when set. */
  metricsToken?: string;
  chatIdentityMatch: 'email' | 'username';
  /** The university's own mail domains: required with CHAT_IDENTITY_MATCH=username. */
  chatIdentityDomains: string[];
  /** Roles a teacher may give through cohort sync on local_ws_enrolcohort sites (no plugin to check). */
  cohortSyncFallbackRoles: string[];
  /** How long a confirmation card stays valid. */
  confirmTtlMinutes: number;
  supportUsers: string[];
  adminUsers: string[];
}

/** Reads one variable through a schema, collecting a readable problem instead of throwing. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  }

  get<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string>, fallback: string): T;
  get<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string>): T | undefined;
  get<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string>, fallback?: string): T | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // Secrets never echo; a connection string keeps its shape but not its password.
    const masked = maskUrl(value);
    const shown = /TOKEN|PASSWORD|SECRET/i.test(name) ? '(hidden)' : JSON.stringify(masked.length > 60 ? `${masked.slice(0, 60)}…` : masked);
    this.problems.push(`${name}=${shown}: expected ${parsed.error.issues[0]?.message ?? 'a valid value'}`);
    return undefined;
  }

  required<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string>, what: string): T | undefined {
    if (this.raw(name) === undefined) {
      this.problems.push(`${name}: missing; expected ${what}`);
      return undefined;
    }
    return this.get(name, schema);
  }
}

/** Which parts a command needs: a command that never talks to Moodle does not ask for its platforms. */
export interface ConfigNeeds {
  moodle?: boolean;
  directory?: boolean;
}

export function loadConfig(env: Env = process.env, needs: ConfigNeeds = {}): Config {
  const r = new Reader(env);
  const needMoodle = needs.moodle ?? true;
  const needDirectory = needs.directory ?? true;
  const nodeEnv = r.raw('NODE_ENV') ?? 'development';
  const platformNames: string[] = !needMoodle && r.raw('MOODLE_PLATFORMS') === undefined ? [] :
    r.required(
      'MOODLE_PLATFORMS',
      list.pipe(
        z
          .array(z.string().regex(PLATFORM_NAME, 'platform names in lower case, letters, digits or _ (e.g. ecampus,collegium)'))
          .min(1, 'at least one platform name (e.g. ecampus,collegium)')
          .refine((a) => new Set(a).size === a.length, 'platform names without repeats'),
      ),
      'a comma-separated list of platform names (e.g. ecampus,collegium)',
    ) ?? [];
  const defaultConcurrency = r.get('MOODLE_CONCURRENCY', int(1, 64), '4') ?? 4;
  const defaultMaxInputVars = r.get('MOODLE_MAX_INPUT_VARS', int(20, 1_000_000), '1000') ?? 1000;

  const platforms: PlatformConfig[] = platformNames.map((name) => {
    const P = `MOODLE_${name.toUpperCase()}`;
    return {
      name,
      url: r.required(`${P}_URL`, url, 'the Moodle site URL, e.g. https://ecampus.example.edu') ?? '',
      token: r.required(`${P}_TOKEN`, z.string().trim().min(1), 'the web-service token of the cohortbot service account') ?? '',
      etapes: r.get(`${P}_ETAPES`, list.pipe(z.array(z.string().regex(/^[A-Za-z0-9*?]+$/, 'comma-separated étape globs such as L*PHA*,M1*'))), '*') ?? ['*'],
      autoSpaceCategories: r.get(`${P}_AUTO_SPACE_CATEGORIES`, list, '') ?? [],
      cohortCategory: r.get(`${P}_COHORT_CATEGORY`, z.string().trim()),
      concurrency: r.get(`${P}_CONCURRENCY`, int(1, 64)) ?? defaultConcurrency,
      maxInputVars: r.get(`${P}_MAX_INPUT_VARS`, int(20, 1_000_000)) ?? defaultMaxInputVars,
    };
  });

  const source = r.get('DIRECTORY_SOURCE', z.enum(['ldap', 'file'], { errorMap: () => ({ message: 'ldap or file' }) }), 'file') ?? 'file';
  const directoryFile = r.get('DIRECTORY_FILE', z.string().trim().regex(/\.(ldif|csv)$/i, 'a path ending in .ldif or .csv'));
  if (needDirectory && source === 'file' && directoryFile === undefined && r.raw('DIRECTORY_FILE') === undefined) {
    r.problems.push('DIRECTORY_FILE: missing; expected the path of an .ldif or .csv file when DIRECTORY_SOURCE=file');
  }
  const ldapUrl = r.get('LDAP_URL', z.string().trim().regex(/^ldaps?:\/\/[^\s]+$/, 'an ldap:// or ldaps:// URL'));
  if (needDirectory && source === 'ldap') {
    if (!ldapUrl && !r.raw('LDAP_URL')) r.problems.push('LDAP_URL: missing; expected an ldap:// or ldaps:// URL when DIRECTORY_SOURCE=ldap');
    if (!r.raw('LDAP_BASE_DN')) r.problems.push('LDAP_BASE_DN: missing; expected the search base, e.g. ou=people,dc=univ,dc=fr');
  }

  const config: Config = {
    nodeEnv,
    logLevel: r.get('LOG_LEVEL', logLevel, 'info') ?? 'info',
    platforms,
    moodle: {
      timeoutMs: r.get('MOODLE_TIMEOUT_MS', int(100, 600_000), '30000') ?? 30000,
      // A call's timeout grows with what it carries: a 2,500-member write is not a site-info call.
      timeoutPerVarMs: r.get('MOODLE_TIMEOUT_PER_VAR_MS', int(0, 10_000), '20') ?? 20,
      retries: r.get('MOODLE_RETRIES', int(0, 10), '3') ?? 3,
      retryBaseMs: r.get('MOODLE_RETRY_BASE_MS', int(1, 60_000), '200') ?? 200,
      // Benchmarks only: every request sent, without tokens, to a private file (see moodle/recorder.ts).
      recordFile: r.raw('COHORTBOT_RECORD_REQUESTS'),
    },
    directory: {
      source,
      file: directoryFile,
      ldap: {
        url: ldapUrl,
        bindDn: r.raw('LDAP_BIND_DN'),
        bindPassword: r.raw('LDAP_BIND_PASSWORD'),
        baseDn: r.raw('LDAP_BASE_DN'),
        filter:
          r.get('LDAP_FILTER', z.string().trim().regex(/^\(.*\)$/s, 'an LDAP filter in parentheses'), '(eduPersonAffiliation=student)') ??
          '(eduPersonAffiliation=student)',
        pageSize: r.get('LDAP_PAGE_SIZE', int(1, 100_000), '500') ?? 500,
        caFile: r.raw('LDAP_CA_FILE'),
        startTls: r.get('LDAP_STARTTLS', bool, 'false') ?? false,
        timeoutMs: r.get('LDAP_TIMEOUT_MS', int(100, 3_600_000), '60000') ?? 60000,
        connectTimeoutMs: r.get('LDAP_CONNECT_TIMEOUT_MS', int(100, 600_000), '5000') ?? 5000,
        timeLimitSeconds: r.get('LDAP_TIME_LIMIT', int(1, 86_400), '60') ?? 60,
      },
      uai: r.get('DIRECTORY_UAI', z.string().trim().regex(/^[0-9]{7}[A-Z]$/, 'a UAI code such as 0141408E')),
      acceptForeignEtapeQualifier: r.get('DIRECTORY_ACCEPT_FOREIGN_ETAPE', bool, 'false') ?? false,
      maxFileAgeHours: r.get('DIRECTORY_MAX_FILE_AGE_HOURS', int(0, 100_000), '0') ?? 0,
      etapeLabelsFile: r.raw('ETAPE_LABELS_FILE'),
    },
    userMatch: r.get('USER_MATCH', userMatch, 'username=uid') ?? { moodleField: 'username', attribute: 'uid' },
    academicYear: {
      start: r.get('ACADEMIC_YEAR_START', mmdd, '08-15') ?? '08-15',
      nextYearFrom: r.get('NEXT_YEAR_FROM', mmdd, '07-01') ?? '07-01',
      graceUntil: r.get('YEAR_GRACE_UNTIL', mmdd, '10-15') ?? '10-15',
      timezone: r.get('ACADEMIC_TIMEZONE', z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris'), 'Europe/Paris') ?? 'Europe/Paris',
      year: r.get('ACADEMIC_YEAR', int(2000, 2100)),
    },
    cohorts: {
      idnumberPrefix: r.get('COHORT_IDNUMBER_PREFIX', z.string().regex(/^[A-Za-z0-9:_.-]{1,20}$/, 'up to 20 letters, digits or :_.-'), 'etp:') ?? 'etp:',
      nameTemplate:
        r.get('COHORT_NAME_TEMPLATE', z.string().refine((v) => v.includes('{etape}') || v.includes('{label}'), 'a template using {etape} and/or {label}'), '{label} ({etape})') ??
        '{label} ({etape})',
    },
    guard: {
      minSourceRecords: r.get('SYNC_MIN_SOURCE_RECORDS', int(0, 10_000_000), '1') ?? 1,
      minSourceRatio: r.get('SYNC_MIN_SOURCE_RATIO', ratio, '0.8') ?? 0.8,
      maxRemovals: r.get('SYNC_MAX_REMOVALS', int(0, 10_000_000), '500') ?? 500,
      maxRemovalPercent: r.get('SYNC_MAX_REMOVAL_PERCENT', percent, '10') ?? 10,
    },
    schedule: {
      cron: r.get('SYNC_SCHEDULE', z.string().trim().regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression such as "0 2 * * *"'), '0 2 * * *') ?? '0 2 * * *',
      timezone: r.get('SYNC_TIMEZONE', z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris'), 'Europe/Paris') ?? 'Europe/Paris',
      // How long a replica that stops answering keeps the run lease before another may take over.
      leaseTtlMs: (r.get('SYNC_LEASE_TTL_SECONDS', int(5, 3600), '120') ?? 120) * 1000,
    },
    retentionDays: r.get('RETENTION_DAYS', int(1, 36_500), '400') ?? 400,
    databaseUrl:
      r.get('DATABASE_URL', z.string().trim().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:<path> or postgres://…'), 'sqlite:data/cohortbot.db') ??
      'sqlite:data/cohortbot.db',
    port: r.get('PORT', int(0, 65535), '3978') ?? 3978,
    teams: {
      appId: r.raw('MicrosoftAppId'),
      appPassword: r.raw('MicrosoftAppPassword'),
      appType:
        r.get('MicrosoftAppType', z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { errorMap: () => ({ message: 'MultiTenant, SingleTenant or UserAssignedMSI' }) }), 'MultiTenant') ??
        'MultiTenant',
      tenantId: r.raw('MicrosoftAppTenantId'),
      digestConversationId: r.raw('TEAMS_DIGEST_CONVERSATION_ID'),
      serviceUrl: r.get('TEAMS_SERVICE_URL', url),
      localMode: r.get('TEAMS_LOCAL_MODE', bool, 'false') ?? false,
      multiTenant: r.get('TEAMS_MULTI_TENANT', bool, 'false') ?? false,
    },
    slack: {
      botToken: r.raw('SLACK_BOT_TOKEN'),
      signingSecret: r.raw('SLACK_SIGNING_SECRET'),
      appToken: r.raw('SLACK_APP_TOKEN'),
      digestChannel: r.raw('SLACK_DIGEST_CHANNEL'),
      apiUrl: r.get('SLACK_API_URL', url),
      teamIds: r.get('SLACK_TEAM_IDS', list.pipe(z.array(z.string().regex(/^[TE][A-Z0-9]{2,}$/, 'Slack workspace ids such as T0123ABCD, comma-separated'))), '') ?? [],
    },
    metricsToken: r.raw('METRICS_TOKEN'),
    chatIdentityMatch: r.get('CHAT_IDENTITY_MATCH', z.enum(['email', 'username'], { errorMap: () => ({ message: 'email or username' }) }), 'email') ?? 'email',
    chatIdentityDomains: r.get('CHAT_IDENTITY_DOMAINS', list.pipe(z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'mail domains such as univ-demo.fr, comma-separated').transform((d) => d.toLowerCase()))), '') ?? [],
    confirmTtlMinutes: r.get('CONFIRM_TTL_MINUTES', int(1, 1440), '15') ?? 15,
    cohortSyncFallbackRoles: r.get('COHORT_SYNC_FALLBACK_ROLES', list.pipe(z.array(z.enum(['student', 'teacher', 'editingteacher'], { errorMap: () => ({ message: 'role short names among student, teacher, editingteacher' }) }))), 'student') ?? ['student'],
    supportUsers: r.get('SUPPORT_USERS', emails, '') ?? [],
    adminUsers: r.get('ADMIN_USERS', emails, '') ?? [],
  };

  if (config.teams.appType !== 'MultiTenant' && config.teams.appId && !config.teams.tenantId) {
    r.problems.push(`MicrosoftAppTenantId: missing; expected the university tenant id when MicrosoftAppType=${config.teams.appType}`);
  }
  // Deleting managed cohorts needs to know that no course syncs them, which no web service says for
  // a whole site: the setting was dropped rather than kept and ignored.
  if (r.get('SYNC_DELETE_UNUSED_EMPTY_COHORTS', bool, 'false')) {
    r.problems.push('SYNC_DELETE_UNUSED_EMPTY_COHORTS=true: not supported — managed cohorts are emptied, never deleted; delete an unused empty one in Moodle (Site administration › Users › Cohorts), or remove the variable');
  }
  if (config.chatIdentityMatch === 'username' && config.chatIdentityDomains.length === 0 && r.raw('CHAT_IDENTITY_DOMAINS') === undefined) {
    r.problems.push('CHAT_IDENTITY_DOMAINS: missing; expected the university mail domains (e.g. univ-demo.fr) when CHAT_IDENTITY_MATCH=username, so that an address elsewhere never maps to a Moodle username');
  }
  // #28: a university's bot serves its own tenant; accepting every tenant must be said, not defaulted to.
  if (nodeEnv === 'production' && config.teams.appId && !config.teams.tenantId && !config.teams.multiTenant) {
    r.problems.push('MicrosoftAppTenantId: missing; expected the university tenant id (activities of any other tenant are refused). Set TEAMS_MULTI_TENANT=true only if every tenant may use the bot');
  }
  if (config.teams.tenantId && config.teams.multiTenant) {
    r.problems.push('TEAMS_MULTI_TENANT=true and MicrosoftAppTenantId: choose one (the tenant id serves that tenant only)');
  }
  if (config.teams.localMode && nodeEnv === 'production') {
    r.problems.push('TEAMS_LOCAL_MODE=true: refused in production; it accepts unauthenticated Teams activities (Bot Framework Emulator only). Set MicrosoftAppId and friends instead');
  }
  if (nodeEnv === 'production' && config.slack.botToken && config.slack.teamIds.length === 0 && r.raw('SLACK_TEAM_IDS') === undefined) {
    r.problems.push('SLACK_TEAM_IDS: missing; expected the Slack workspace ids (e.g. T0123ABCD) allowed to use the bot, required in production');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Variables that hold secrets: their values are redacted wherever configuration is shown. */
export const SECRET_VARIABLES = /TOKEN|PASSWORD|SECRET/i;
