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
  /** Days a learnt Moodle account key (username/idnumber/e-mail ↔ id, core path) is trusted before it is checked again (SYNC_FULL_CHECK_DAYS). */
  fullCheckDays: number;
  databaseUrl: string;
  /** How long a run waits for a store that went away (restart, failover) to record itself, in ms (SYNC_DB_RETRY_SECONDS). */
  dbRetryMs: number;
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
    /** TEAMS_SDK: the host behind /api/messages; the Agents SDK's AuthorityEndpoint/Issuers (keys and issuers of the tokens). */
    sdk: 'agents' | 'botbuilder';
    authorityEndpoint?: string;
    issuers?: string[];
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
  /** Private notices after scheduled runs (src/notify/). */
  notify: NotifySettings;
}

export interface NotifySettings {
  /** optin: only teachers who said `notifications oui`; optout (default): all but those who said `non`; off: none. */
  teachers: 'optin' | 'optout' | 'off';
  /** Held removals: a private message to each admin (and a reminder at the next run while still held). */
  admins: boolean;
  /** Slack: recipients started per minute (users.lookupByEmail and conversations.open are Tier 3, about 50 a minute). */
  slackPerMinute: number;
  /** Teams: messages per second across conversations (the Bot Framework's per-bot limits are well above). */
  teamsPerSecond: number;
}

/**
 * The variables of each group, each with its schema and — written once, as the environment would
 * spell it — its default (`.default(…)`); a variable without a default is `.optional()`.
 */
const timeZone = z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris');
const roles = z.enum(['student', 'teacher', 'editingteacher'], { errorMap: () => ({ message: 'role short names among student, teacher, editingteacher' }) });

const MoodleVars = z.object({
  MOODLE_CONCURRENCY: int(1, 64).default('6'),
  MOODLE_MAX_INPUT_VARS: int(20, 1_000_000).default('1000'),
  MOODLE_TIMEOUT_MS: int(100, 600_000).default('30000'),
  // A call's timeout grows with what it carries: a 2,500-member write is not a site-info call.
  MOODLE_TIMEOUT_PER_VAR_MS: int(0, 10_000).default('20'),
  MOODLE_RETRIES: int(0, 10).default('3'),
  MOODLE_RETRY_BASE_MS: int(1, 60_000).default('200'),
});

/** Per platform, as MOODLE_<P>_<name>; concurrency and max_input_vars default to the MoodleVars ones. */
const PlatformVars = z.object({
  ETAPES: list.pipe(z.array(z.string().regex(/^[A-Za-z0-9*?]+$/, 'comma-separated étape globs such as L*PHA*,M1*'))).default('*'),
  AUTO_SPACE_CATEGORIES: list.default(''),
  COHORT_CATEGORY: z.string().trim().optional(),
  CONCURRENCY: int(1, 64).optional(),
  MAX_INPUT_VARS: int(20, 1_000_000).optional(),
});

const DirectoryVars = z.object({
  DIRECTORY_SOURCE: z.enum(['ldap', 'file'], { errorMap: () => ({ message: 'ldap or file' }) }).default('file'),
  DIRECTORY_FILE: z.string().trim().regex(/\.(ldif|csv)$/i, 'a path ending in .ldif or .csv').optional(),
  LDAP_URL: z.string().trim().regex(/^ldaps?:\/\/[^\s]+$/, 'an ldap:// or ldaps:// URL').optional(),
  LDAP_FILTER: z.string().trim().regex(/^\(.*\)$/s, 'an LDAP filter in parentheses').default('(eduPersonAffiliation=student)'),
  LDAP_PAGE_SIZE: int(1, 100_000).default('500'),
  LDAP_STARTTLS: bool.default('false'),
  LDAP_TIMEOUT_MS: int(100, 3_600_000).default('60000'),
  LDAP_CONNECT_TIMEOUT_MS: int(100, 600_000).default('5000'),
  LDAP_TIME_LIMIT: int(1, 86_400).default('60'),
  DIRECTORY_UAI: z.string().trim().regex(/^[0-9]{7}[A-Z]$/, 'a UAI code such as 0141408E').optional(),
  DIRECTORY_ACCEPT_FOREIGN_ETAPE: bool.default('false'),
  DIRECTORY_MAX_FILE_AGE_HOURS: int(0, 100_000).default('0'),
  USER_MATCH: userMatch.default('username=uid'),
});

const YearVars = z.object({
  ACADEMIC_YEAR_START: mmdd.default('08-15'),
  NEXT_YEAR_FROM: mmdd.default('07-01'),
  YEAR_GRACE_UNTIL: mmdd.default('10-15'),
  ACADEMIC_TIMEZONE: timeZone.default('Europe/Paris'),
  ACADEMIC_YEAR: int(2000, 2100).optional(),
});

const SyncVars = z.object({
  COHORT_IDNUMBER_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,20}$/, 'up to 20 letters, digits or :_.-').default('etp:'),
  COHORT_NAME_TEMPLATE: z.string().refine((v) => v.includes('{etape}') || v.includes('{label}'), 'a template using {etape} and/or {label}').default('{label} ({etape})'),
  SYNC_MIN_SOURCE_RECORDS: int(0, 10_000_000).default('1'),
  SYNC_MIN_SOURCE_RATIO: ratio.default('0.8'),
  SYNC_MAX_REMOVALS: int(0, 10_000_000).default('500'),
  SYNC_MAX_REMOVAL_PERCENT: percent.default('10'),
  SYNC_SCHEDULE: z.string().trim().regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression such as "0 2 * * *"').default('0 2 * * *'),
  SYNC_TIMEZONE: timeZone.default('Europe/Paris'),
  // How long a replica that stops answering keeps the run lease before another may take over.
  SYNC_LEASE_TTL_SECONDS: int(5, 3600).default('120'),
  RETENTION_DAYS: int(1, 36_500).default('400'),
  // Without the plugin: how long the keys of Moodle accounts learnt by a run are trusted before Moodle is asked again (0: every run).
  SYNC_FULL_CHECK_DAYS: int(0, 365).default('7'),
  DATABASE_URL: z.string().trim().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:<path> or postgres://…').default('sqlite:data/cohortbot.db'),
  // How long a run waits for a lost store to come back before it ends failed.
  SYNC_DB_RETRY_SECONDS: int(0, 3600).default('60'),
  // Dropped: see the check in loadConfig.
  SYNC_DELETE_UNUSED_EMPTY_COHORTS: bool.default('false'),
});

const NotifyVars = z.object({
  NOTIFY_TEACHERS: z.enum(['optin', 'optout', 'off'], { errorMap: () => ({ message: 'optin, optout or off' }) }).default('optout'),
  NOTIFY_ADMINS: bool.default('true'),
  NOTIFY_SLACK_PER_MINUTE: int(1, 1000).default('50'),
  NOTIFY_TEAMS_PER_SECOND: int(1, 100).default('10'),
});

const ChatVars = z.object({
  LOG_LEVEL: logLevel.default('info'),
  PORT: int(0, 65535).default('3978'),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { errorMap: () => ({ message: 'MultiTenant, SingleTenant or UserAssignedMSI' }) }).default('MultiTenant'),
  TEAMS_SERVICE_URL: url.optional(),
  TEAMS_LOCAL_MODE: bool.default('false'),
  TEAMS_MULTI_TENANT: bool.default('false'),
  TEAMS_SDK: z.enum(['agents', 'botbuilder'], { errorMap: () => ({ message: 'agents (Microsoft 365 Agents SDK) or botbuilder (Bot Framework SDK)' }) }).default('agents'),
  SLACK_API_URL: url.optional(),
  SLACK_TEAM_IDS: list.pipe(z.array(z.string().regex(/^[TE][A-Z0-9]{2,}$/, 'Slack workspace ids such as T0123ABCD, comma-separated'))).default(''),
  CHAT_IDENTITY_MATCH: z.enum(['email', 'username'], { errorMap: () => ({ message: 'email or username' }) }).default('email'),
  CHAT_IDENTITY_DOMAINS: list.pipe(z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'mail domains such as univ-demo.fr, comma-separated').transform((d) => d.toLowerCase()))).default(''),
  CONFIRM_TTL_MINUTES: int(1, 1440).default('15'),
  COHORT_SYNC_FALLBACK_ROLES: list.pipe(z.array(roles)).default('student'),
  SUPPORT_USERS: emails.default(''),
  ADMIN_USERS: emails.default(''),
});

/** Reads variables through their schemas, collecting one readable problem per bad variable instead of throwing. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  }

  /** One variable; undefined when it is bad (the problem is recorded: loadConfig then throws). */
  get<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string | undefined>): T | undefined {
    const value = this.raw(name);
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    // Secrets never echo; a connection string keeps its shape but not its password.
    const masked = maskUrl(value ?? '');
    const shown = /TOKEN|PASSWORD|SECRET/i.test(name) ? '(hidden)' : JSON.stringify(masked.length > 60 ? `${masked.slice(0, 60)}…` : masked);
    this.problems.push(`${name}=${shown}: expected ${parsed.error.issues[0]?.message ?? 'a valid value'}`);
    return undefined;
  }

  /**
   * A group of variables (`prefix` + each key of the schema). A bad variable reads as undefined; the
   * object is used only when there is no problem, since loadConfig throws on any.
   */
  group<S extends z.ZodRawShape>(schema: z.ZodObject<S>, prefix = ''): z.infer<z.ZodObject<S>> {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(schema.shape)) out[key] = this.get(prefix + key, field as z.ZodType<unknown, z.ZodTypeDef, string | undefined>);
    return out as z.infer<z.ZodObject<S>>;
  }

  required<T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, string | undefined>, what: string): T | undefined {
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
  const m = r.group(MoodleVars);
  const platforms: PlatformConfig[] = platformNames.map((name) => {
    const P = `MOODLE_${name.toUpperCase()}`;
    const p = r.group(PlatformVars, `${P}_`);
    return {
      name,
      url: r.required(`${P}_URL`, url, 'the Moodle site URL, e.g. https://ecampus.example.edu') ?? '',
      token: r.required(`${P}_TOKEN`, z.string().trim().min(1), 'the web-service token of the cohortbot service account') ?? '',
      etapes: p.ETAPES,
      autoSpaceCategories: p.AUTO_SPACE_CATEGORIES,
      cohortCategory: p.COHORT_CATEGORY,
      concurrency: p.CONCURRENCY ?? m.MOODLE_CONCURRENCY,
      maxInputVars: p.MAX_INPUT_VARS ?? m.MOODLE_MAX_INPUT_VARS,
    };
  });

  const d = r.group(DirectoryVars);
  if (needDirectory && d.DIRECTORY_SOURCE === 'file' && r.raw('DIRECTORY_FILE') === undefined) {
    r.problems.push('DIRECTORY_FILE: missing; expected the path of an .ldif or .csv file when DIRECTORY_SOURCE=file');
  }
  if (needDirectory && d.DIRECTORY_SOURCE === 'ldap') {
    if (!r.raw('LDAP_URL')) r.problems.push('LDAP_URL: missing; expected an ldap:// or ldaps:// URL when DIRECTORY_SOURCE=ldap');
    if (!r.raw('LDAP_BASE_DN')) r.problems.push('LDAP_BASE_DN: missing; expected the search base, e.g. ou=people,dc=univ,dc=fr');
  }
  const y = r.group(YearVars);
  const s = r.group(SyncVars);
  const c = r.group(ChatVars);
  const n = r.group(NotifyVars);

  const config: Config = {
    nodeEnv,
    logLevel: c.LOG_LEVEL,
    platforms,
    moodle: {
      timeoutMs: m.MOODLE_TIMEOUT_MS,
      timeoutPerVarMs: m.MOODLE_TIMEOUT_PER_VAR_MS,
      retries: m.MOODLE_RETRIES,
      retryBaseMs: m.MOODLE_RETRY_BASE_MS,
      // Benchmarks only: every request sent, without tokens, to a private file (see moodle/recorder.ts).
      recordFile: r.raw('COHORTBOT_RECORD_REQUESTS'),
    },
    directory: {
      source: d.DIRECTORY_SOURCE,
      file: d.DIRECTORY_FILE,
      ldap: {
        url: d.LDAP_URL,
        bindDn: r.raw('LDAP_BIND_DN'),
        bindPassword: r.raw('LDAP_BIND_PASSWORD'),
        baseDn: r.raw('LDAP_BASE_DN'),
        filter: d.LDAP_FILTER,
        pageSize: d.LDAP_PAGE_SIZE,
        caFile: r.raw('LDAP_CA_FILE'),
        startTls: d.LDAP_STARTTLS,
        timeoutMs: d.LDAP_TIMEOUT_MS,
        connectTimeoutMs: d.LDAP_CONNECT_TIMEOUT_MS,
        timeLimitSeconds: d.LDAP_TIME_LIMIT,
      },
      uai: d.DIRECTORY_UAI,
      acceptForeignEtapeQualifier: d.DIRECTORY_ACCEPT_FOREIGN_ETAPE,
      maxFileAgeHours: d.DIRECTORY_MAX_FILE_AGE_HOURS,
      etapeLabelsFile: r.raw('ETAPE_LABELS_FILE'),
    },
    userMatch: d.USER_MATCH,
    academicYear: { start: y.ACADEMIC_YEAR_START, nextYearFrom: y.NEXT_YEAR_FROM, graceUntil: y.YEAR_GRACE_UNTIL, timezone: y.ACADEMIC_TIMEZONE, year: y.ACADEMIC_YEAR },
    cohorts: { idnumberPrefix: s.COHORT_IDNUMBER_PREFIX, nameTemplate: s.COHORT_NAME_TEMPLATE },
    guard: {
      minSourceRecords: s.SYNC_MIN_SOURCE_RECORDS,
      minSourceRatio: s.SYNC_MIN_SOURCE_RATIO,
      maxRemovals: s.SYNC_MAX_REMOVALS,
      maxRemovalPercent: s.SYNC_MAX_REMOVAL_PERCENT,
    },
    schedule: { cron: s.SYNC_SCHEDULE, timezone: s.SYNC_TIMEZONE, leaseTtlMs: s.SYNC_LEASE_TTL_SECONDS * 1000 },
    retentionDays: s.RETENTION_DAYS,
    fullCheckDays: s.SYNC_FULL_CHECK_DAYS,
    databaseUrl: s.DATABASE_URL,
    dbRetryMs: s.SYNC_DB_RETRY_SECONDS * 1000,
    port: c.PORT,
    teams: {
      // MicrosoftApp* (both SDKs) or the Agents SDK's Connections__<id>__Settings__* (one connection).
      appId: r.raw('MicrosoftAppId') ?? agentsConnection(env, 'ClientId'),
      appPassword: r.raw('MicrosoftAppPassword') ?? agentsConnection(env, 'ClientSecret'),
      appType: c.MicrosoftAppType,
      tenantId: r.raw('MicrosoftAppTenantId') ?? agentsConnection(env, 'TenantId'),
      sdk: c.TEAMS_SDK,
      authorityEndpoint: agentsConnection(env, 'AuthorityEndpoint'),
      issuers: agentsConnection(env, 'Issuers')?.split(/[\s,]+/).filter(Boolean),
      digestConversationId: r.raw('TEAMS_DIGEST_CONVERSATION_ID'),
      serviceUrl: c.TEAMS_SERVICE_URL,
      localMode: c.TEAMS_LOCAL_MODE,
      multiTenant: c.TEAMS_MULTI_TENANT,
    },
    slack: {
      botToken: r.raw('SLACK_BOT_TOKEN'),
      signingSecret: r.raw('SLACK_SIGNING_SECRET'),
      appToken: r.raw('SLACK_APP_TOKEN'),
      digestChannel: r.raw('SLACK_DIGEST_CHANNEL'),
      apiUrl: c.SLACK_API_URL,
      teamIds: c.SLACK_TEAM_IDS,
    },
    metricsToken: r.raw('METRICS_TOKEN'),
    chatIdentityMatch: c.CHAT_IDENTITY_MATCH,
    chatIdentityDomains: c.CHAT_IDENTITY_DOMAINS,
    confirmTtlMinutes: c.CONFIRM_TTL_MINUTES,
    cohortSyncFallbackRoles: c.COHORT_SYNC_FALLBACK_ROLES,
    supportUsers: c.SUPPORT_USERS,
    adminUsers: c.ADMIN_USERS,
    notify: { teachers: n.NOTIFY_TEACHERS, admins: n.NOTIFY_ADMINS, slackPerMinute: n.NOTIFY_SLACK_PER_MINUTE, teamsPerSecond: n.NOTIFY_TEAMS_PER_SECOND },
  };

  if (config.teams.appType !== 'MultiTenant' && config.teams.appId && !config.teams.tenantId) {
    r.problems.push(`MicrosoftAppTenantId: missing; expected the university tenant id when MicrosoftAppType=${config.teams.appType}`);
  }
  // Deleting managed cohorts needs to know that no course syncs them, which no web service says for
  // a whole site: the setting was dropped rather than kept and ignored.
  if (s.SYNC_DELETE_UNUSED_EMPTY_COHORTS) {
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

/** A setting of the Agents SDK's connection (`Connections__<id>__Settings__<name>`, names case-insensitive as the SDK reads them). */
function agentsConnection(env: Env, name: string): string | undefined {
  const re = new RegExp(`^Connections__.+?__Settings__${name}$`, 'i');
  return Object.entries(env).find(([k, v]) => re.test(k) && v?.trim())?.[1]?.trim();
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
