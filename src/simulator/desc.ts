/**
 * A small copy of Moodle's external_description model: functions describe their parameters and
 * returns, parameters are validated strictly (unexpected keys, missing keys, PARAM_BOOL rejecting
 * "true"), and returns are cleaned (undeclared fields dropped, ints as numbers, bools as booleans).
 * Source of the rules: lib/external/classes/external_api.php (validate_parameters, clean_returnvalue).
 */

export type ParamType = 'int' | 'bool' | 'text' | 'alpha' | 'alphanumext' | 'float' | 'raw' | 'capability';
/** VALUE_REQUIRED, VALUE_DEFAULT (with a default), VALUE_OPTIONAL. */
export type Presence = { required: true } | { required: false; default: unknown } | { required: false; optional: true };

export type Desc =
  | ({ kind: 'value'; type: ParamType; allowNull?: boolean } & Presence)
  | ({ kind: 'single'; keys: Record<string, Desc> } & Presence)
  | ({ kind: 'multiple'; content: Desc } & Presence);

const REQUIRED: Presence = { required: true };
const presence = (p?: Presence): Presence => p ?? REQUIRED;

export const value = (type: ParamType, p?: Presence, allowNull = true): Desc => ({ kind: 'value', type, allowNull, ...presence(p) });
export const single = (keys: Record<string, Desc>, p?: Presence): Desc => ({ kind: 'single', keys, ...presence(p) });
export const multiple = (content: Desc, p?: Presence): Desc => ({ kind: 'multiple', content, ...presence(p) });
export const DEFAULT = (d: unknown): Presence => ({ required: false, default: d });
export const OPTIONAL: Presence = { required: false, optional: true };

/** A Moodle exception as the REST server reports it. */
export class WsException extends Error {
  constructor(
    readonly exception: string,
    readonly errorcode: string | undefined,
    message: string,
    readonly debuginfo?: string,
  ) {
    super(message);
  }
}

export const invalidParameter = (debuginfo: string) =>
  new WsException('core\\exception\\invalid_parameter_exception', 'invalidparameter', 'Invalid parameter value detected', debuginfo);
export const invalidRecord = (table: string) =>
  new WsException('dml_missing_record_exception', 'invalidrecord', `Can't find data record in database table ${table}.`);
export const invalidUser = () => new WsException('dml_missing_record_exception', 'invaliduser', 'Invalid user');
export const noPermissions = (capability: string) =>
  new WsException('core\\exception\\required_capability_exception', 'nopermissions', `Sorry, but you do not currently have permissions to do that (${capability}).`);
/** require_login() refused inside validate_context() (the plugin lets it through as is). */
export const requireLoginError = () => new WsException('core\\exception\\require_login_exception', 'requireloginerror', 'Course or activity not accessible. (Not enrolled)');
/** core_enrol's wrapper of the same refusal: Moodle passes the message as the error code (get_string). */
export const courseContextNotValid = (courseId: number) => {
  void courseId;
  const message = 'You cannot execute functions in the course context (course id:). The context error message was: Course or activity not accessible.';
  return new WsException('core\\exception\\moodle_exception', message, message);
};
export const codingError = (detail: string) =>
  new WsException('core\\exception\\coding_exception', 'codingerror', `Coding error detected, it must be fixed by a programmer: ${detail}`);
export const moodleException = (errorcode: string, message: string, component = 'core') =>
  new WsException(component === 'core' ? 'core\\exception\\moodle_exception' : 'core\\exception\\moodle_exception', errorcode, message);

const PHP_LIST = (v: unknown): unknown[] | undefined => {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object') return Object.values(v as Record<string, unknown>);
  return undefined;
};

/** validate_parameters(): returns the cleaned arguments or throws invalidparameter. */
export function validateParameters(desc: Desc, input: unknown): unknown {
  return validate(desc, input, '');
}

function validate(desc: Desc, input: unknown, path: string): unknown {
  switch (desc.kind) {
    case 'value':
      return cleanParam(desc.type, input, path);
    case 'single': {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw invalidParameter(`${path}Only arrays accepted. The bad value is: '${String(input)}'`);
      }
      const obj = input as Record<string, unknown>;
      const unexpected = Object.keys(obj).filter((k) => !(k in desc.keys));
      if (unexpected.length > 0) throw invalidParameter(`${path}Unexpected keys (${unexpected.join(', ')}) detected in parameter array.`);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(desc.keys)) {
        if (!(key in obj)) {
          if (sub.required) throw invalidParameter(`${path}Missing required key in single structure: ${key}`);
          if ('default' in sub) out[key] = sub.default;
          continue;
        }
        out[key] = validate(sub, obj[key], `${key} => `);
      }
      return out;
    }
    case 'multiple': {
      const list = PHP_LIST(input);
      if (list === undefined) throw invalidParameter(`${path}Only arrays accepted. The bad value is: '${String(input)}'`);
      return list.map((v) => validate(desc.content, v, path));
    }
  }
}

function cleanParam(type: ParamType, input: unknown, path: string): unknown {
  if (input === null || typeof input === 'object') throw invalidParameter(`${path}Invalid external api parameter: the value is "${typeof input}", the server was expecting "${type}" type`);
  const s = String(input);
  switch (type) {
    case 'int':
      if (!/^-?\d+$/.test(s.trim()) || s.trim() !== s) throw invalidParameter(`${path}Invalid external api parameter: the value is "${s}", the server was expecting "int" type`);
      return Number(s);
    case 'float':
      if (!/^-?\d+(\.\d+)?$/.test(s)) throw invalidParameter(`${path}Invalid external api parameter: the value is "${s}", the server was expecting "float" type`);
      return Number(s);
    case 'bool':
      // PARAM_BOOL cleans "true" to 1, which no longer equals the input: Moodle rejects it.
      if (!['0', '1', 'true', 'false'].includes(s) || s === 'true' || s === 'false') {
        if (input === true || input === false) return input;
        throw invalidParameter(`${path}Invalid external api parameter: the value is "${s}", the server was expecting "bool" type`);
      }
      return s === '1';
    case 'alpha':
      if (!/^[A-Za-z]*$/.test(s)) throw invalidParameter(`${path}Invalid external api parameter: the value is "${s}", the server was expecting "alpha" type`);
      return s;
    case 'alphanumext':
      if (!/^[A-Za-z0-9_-]*$/.test(s)) throw invalidParameter(`${path}Invalid external api parameter: the value is "${s}", the server was expecting "alphanumext" type`);
      return s;
    case 'capability':
      // PARAM_CAPABILITY cleans an unknown capability to '', which no longer equals the input: rejected.
      if (!/^[a-z]+\/[a-z0-9_]+:[a-z0-9_]+$/.test(s)) throw invalidParameter(`${path}Invalid external api parameter: the value is "${s}", the server was expecting "capability" type`);
      return s;
    case 'text':
    case 'raw':
      return s;
  }
}

export class InvalidResponse extends WsException {
  constructor(detail: string) {
    super('core\\exception\\invalid_response_exception', 'invalidresponse', 'Invalid response value detected', detail);
  }
}

/** clean_returnvalue(): drops undeclared fields, casts scalars, fails on a missing required key. */
export function cleanReturnValue(desc: Desc | null, value: unknown): unknown {
  if (desc === null) return null;
  return clean(desc, value, '');
}

function clean(desc: Desc, v: unknown, path: string): unknown {
  switch (desc.kind) {
    case 'value': {
      if (v === null || v === undefined) {
        if (desc.allowNull !== false) return null;
        throw new InvalidResponse(`${path}null not allowed`);
      }
      switch (desc.type) {
        case 'int': {
          const n = typeof v === 'boolean' ? Number(v) : Number(v);
          if (!Number.isFinite(n) || !Number.isInteger(n)) throw new InvalidResponse(`${path}Invalid external api response: the value is "${String(v)}", the server was expecting "int" type`);
          return n;
        }
        case 'float':
          return Number(v);
        case 'bool':
          return v === true || v === 1 || v === '1';
        case 'raw':
          // PARAM_RAW is not cleaned: numbers and booleans keep their JSON type.
          return typeof v === 'object' ? String(v) : v;
        default:
          return String(v);
      }
    }
    case 'single': {
      if (v === null || typeof v !== 'object') throw new InvalidResponse(`${path}Only arrays/objects accepted.`);
      const obj = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(desc.keys)) {
        if (!(key in obj) || obj[key] === undefined) {
          if (sub.required) throw new InvalidResponse(`${path}Error in response - Missing following required key in a single structure: ${key}`);
          if ('default' in sub) out[key] = sub.default;
          continue;
        }
        out[key] = clean(sub, obj[key], `${key} => `);
      }
      return out;
    }
    case 'multiple': {
      const list = PHP_LIST(v);
      if (list === undefined) throw new InvalidResponse(`${path}Only arrays accepted.`);
      return list.map((x) => clean(desc.content, x, path));
    }
  }
}
