/**
 * What can go wrong when calling Moodle, as types a caller can act on, and as codes with parameters
 * that the presentation layer (src/i18n, section `moodle`) puts into the reader's language. The Error's
 * message is for the log only (English, technical); people read `moodleErrorText`. Messages never carry
 * the token.
 */

/** Codes of the client's own failures (no exception from Moodle). */
export const CLIENT_ERROR_CODES = ['inputVarsExceeded', 'restDisabled', 'xmlReply', 'notJson', 'badShape', 'unreachable', 'serverError'] as const;

/**
 * Moodle core's error codes a call of cohortbot can meet (those the simulator raises, and the ones real
 * sites answer), plus `cohortIdnumberTaken` and `courseContextNotValid`: the same exceptions told apart
 * by their debug information, because core reports them under a generic code.
 */
export const CORE_EXCEPTION_CODES = [
  'invalidparameter',
  'invalidrecord',
  'invaliduser',
  'nopermissions',
  'requireloginerror',
  'courseContextNotValid',
  'codingerror',
  'invalidtoken',
  'usersuspended',
  'accessexception',
  'servicerequireslogin',
  'wsusercannotassign',
  'wsnoinstance',
  'categoryidnumbertaken',
  'shortnametaken',
  'courseidnumbertaken',
  'dmlwriteexception',
  'cohortIdnumberTaken',
] as const;

/** The refusals of local_cohortbot (its lang file's error strings; a test keeps the two lists equal). */
export const PLUGIN_REFUSAL_CODES = ['ambiguousparams', 'cohortnotavailable', 'cohortnotfound', 'groupnotincourse', 'instanceexists', 'notcohortinstance', 'onbehalfnopermission', 'onbehalfrequired', 'plugindisabled', 'rolenotassignable', 'rolenotfound'] as const;

/** cohortbot's own refusals for sites served through local_ws_enrolcohort (cohort-syncs.ts). */
export const BOT_REFUSAL_CODES = ['hiddencohort'] as const;

/** Every code a person may be told about; `unknown` stands for a code Moodle added since. */
export const MOODLE_ERROR_CODES = [...CLIENT_ERROR_CODES, ...CORE_EXCEPTION_CODES, ...PLUGIN_REFUSAL_CODES, ...BOT_REFUSAL_CODES, 'unknown'] as const;
export type MoodleErrorCode = (typeof MOODLE_ERROR_CODES)[number];

/** What a sentence about a Moodle failure may say: the code, its parameters, and where it happened. */
export interface MoodleErrorFacts {
  code: MoodleErrorCode;
  platform: string;
  function?: string;
  params: Record<string, string | number>;
}

const KNOWN = new Set<string>(MOODLE_ERROR_CODES);

/** The code of an exception Moodle answered, told apart by its debug information where core is generic. */
export function exceptionCode(errorcode: string | undefined, debuginfo: string | undefined): { code: MoodleErrorCode; params: Record<string, string> } {
  const taken = /(?:idnumber already exists|record already exists: idnumber=(.*))$/.exec(debuginfo ?? '');
  if (errorcode === 'invalidparameter' && taken) return { code: 'cohortIdnumberTaken', params: taken[1] ? { idnumber: taken[1] } : {} };
  // core_enrol passes a sentence as the error code (get_string of an unknown string).
  if (errorcode?.startsWith('You cannot execute functions in the course context')) return { code: 'courseContextNotValid', params: {} };
  if (errorcode && KNOWN.has(errorcode)) return { code: errorcode as MoodleErrorCode, params: {} };
  return { code: 'unknown', params: { errorcode: errorcode ?? '' } };
}
export type MoodleErrorKind =
  | 'exception' // Moodle answered with an exception object (HTTP 200)
  | 'rest-disabled' // empty body: REST protocol or web services disabled
  | 'truncated' // XML reply: the POST was cut by max_input_vars and the control fields were lost
  | 'bad-reply' // the body was not JSON or did not have the shape the function returns
  | 'transport'; // network error, timeout or 5xx after every retry

export class MoodleError extends Error {
  readonly kind: MoodleErrorKind;
  readonly platform: string;
  readonly function: string;
  readonly errorcode?: string;
  readonly exception?: string;
  readonly debuginfo?: string;
  readonly status?: number;
  /** What happened, for people (src/i18n words it); `params` are its details. */
  readonly code: MoodleErrorCode;
  readonly params: Record<string, string | number>;

  constructor(init: {
    code?: MoodleErrorCode;
    params?: Record<string, string | number>;
    kind: MoodleErrorKind;
    platform: string;
    function: string;
    message: string;
    errorcode?: string;
    exception?: string;
    debuginfo?: string;
    status?: number;
  }) {
    super(`${init.platform}: ${init.function}: ${init.message}`);
    this.name = 'MoodleError';
    this.kind = init.kind;
    this.platform = init.platform;
    this.function = init.function;
    this.errorcode = init.errorcode;
    this.exception = init.exception;
    this.debuginfo = init.debuginfo;
    this.status = init.status;
    const ex = init.kind === 'exception' ? exceptionCode(init.errorcode, init.debuginfo) : undefined;
    this.code = init.code ?? ex?.code ?? 'unknown';
    this.params = { ...(ex?.params ?? {}), ...(init.params ?? {}) };
  }

  /** The facts a sentence is made of. */
  facts(): MoodleErrorFacts {
    return { code: this.code, platform: this.platform, function: this.function, params: this.params };
  }

  /** True for Moodle exceptions with one of these error codes (matched on code, never on class name). */
  is(...codes: string[]): boolean {
    return this.kind === 'exception' && this.errorcode !== undefined && codes.includes(this.errorcode);
  }
}
