/**
 * Moodle's REST server reads PHP form fields, so nested arguments travel in bracket notation
 * (`members[0][usertype][value]=jdoe`). Booleans must be 0/1: PARAM_BOOL rejects "true".
 */
export type WsValue = string | number | boolean | null | undefined | WsValue[] | { [key: string]: WsValue };
export type WsParams = Record<string, WsValue>;

/** Flattens arguments into ordered [name, value] pairs. Empty lists are left out: PHP cannot carry them. */
export function encodeParams(params: WsParams): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (prefix: string, value: WsValue): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(`${prefix}[${i}]`, v));
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}[${k}]` : k, v);
    } else if (typeof value === 'boolean') {
      out.push([prefix, value ? '1' : '0']);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`cannot send non-finite number in ${prefix}`);
      out.push([prefix, String(value)]);
    } else {
      out.push([prefix, value]);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return out;
}

/** The number of PHP input variables one value will use (each leaf is one). */
export function countVars(value: WsValue): number {
  if (value === undefined || value === null) return 0;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countVars(v), 0);
  if (typeof value === 'object') return Object.values(value).reduce<number>((n, v) => n + countVars(v), 0);
  return 1;
}

/** Form-encodes pairs; control fields go first so a max_input_vars cut can only hit arguments. */
export function formBody(control: Array<[string, string]>, params: Array<[string, string]>): string {
  const parts: string[] = [];
  for (const [k, v] of control) parts.push(`${formEscape(k)}=${formEscape(v)}`);
  for (const [k, v] of params) parts.push(`${formEscape(k)}=${formEscape(v)}`);
  return parts.join('&');
}

/**
 * The body of a call in one pass: the same bytes as formBody(control, encodeParams(params)), without
 * the pairs — a first sync's hundred thousand members would otherwise be half a million small strings.
 */
export function encodeBody(control: Array<[string, string]>, params: WsParams): string {
  const parts: string[] = [];
  for (const [k, v] of control) parts.push(`${formEscape(k)}=${formEscape(v)}`);
  const walk = (prefix: string, value: WsValue): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(`${prefix}%5B${i}%5D`, value[i]);
    } else if (typeof value === 'object') {
      for (const k of Object.keys(value)) walk(`${prefix}%5B${formEscape(k)}%5D`, value[k]);
    } else if (typeof value === 'boolean') {
      parts.push(`${prefix}=${value ? '1' : '0'}`);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`cannot send non-finite number in ${prefix}`);
      parts.push(`${prefix}=${String(value)}`);
    } else {
      parts.push(`${prefix}=${formEscape(value)}`);
    }
  };
  for (const k of Object.keys(params)) walk(formEscape(k), params[k]);
  return parts.join('&');
}

const SAFE = /^[A-Za-z0-9*._-]*$/;
/** A lone surrogate cannot be percent-encoded: URLSearchParams sends U+FFFD for it, and so do we. */
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** application/x-www-form-urlencoded, exactly as URLSearchParams writes it (space as +). */
export function formEscape(s: string): string {
  if (SAFE.test(s)) return s;
  return encodeURIComponent(wellFormed(s)).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** Parses PHP bracket notation back into nested values (used by the simulator, mirrors PHP's parser). */
export function decodeParams(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of pairs) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!m) {
      root[name] = value;
      continue;
    }
    const keys = [m[1]!, ...Array.from(m[2]!.matchAll(/\[([^[\]]*)\]/g), (x) => x[1]!)];
    let node: Record<string, unknown> = root;
    keys.forEach((key, i) => {
      let k = key;
      if (k === '') k = String(Object.keys(node).length); // PHP's "append" form: a[]=x
      if (i === keys.length - 1) {
        node[k] = value;
      } else {
        const next = node[k];
        if (typeof next !== 'object' || next === null) node[k] = {};
        node = node[k] as Record<string, unknown>;
      }
    });
  }
  return root;
}
