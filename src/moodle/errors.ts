/**
 * What can go wrong when calling Moodle, as types a caller can act on. Messages never carry the token.
 */
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

  constructor(init: {
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
  }

  /** True for Moodle exceptions with one of these error codes (matched on code, never on class name). */
  is(...codes: string[]): boolean {
    return this.kind === 'exception' && this.errorcode !== undefined && codes.includes(this.errorcode);
  }
}
