/**
 * Search entries decoded straight from the wire for the nightly read. ldapts turns every entry into
 * a message object, Attribute objects, one Buffer and one strictly decoded string per value, then a
 * plain object: on a 100,000-student read that was most of the process's time (docs/directory.md §5).
 * Here the bytes of each SearchResultEntry are read once into lower-cased names and string values and
 * handed to the caller as they arrive; ldapts never sees them. ldapts keeps everything else: the
 * connection, TLS, binds, paging and its controls, result codes, referrals and time-outs.
 */
import { Client, InvalidAsn1Error, SearchEntry } from 'ldapts';
import { type Attrs, lowerOf } from './entry';

const OCTET_STRING = 0x04;
const INTEGER = 0x02;
const SEQUENCE = 0x30;
const SET = 0x31;
const SEARCH_RESULT_ENTRY = 0x64;

/** One entry as the entry rules read it: names lower-cased, every attribute a list of strings. */
export class WireEntry implements Attrs {
  constructor(
    readonly dn: string,
    private readonly names: string[],
    private readonly values: string[][],
  ) {}

  get(lower: string): readonly string[] | undefined {
    let out: string[] | undefined;
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] !== lower) continue;
      // A server may send one attribute in two parts (uid and UID): their values together.
      out = out === undefined ? this.values[i]! : [...out, ...this.values[i]!];
    }
    return out;
  }
}

/**
 * A server sends an entry's attributes in the same order and spelling entry after entry: the name at
 * each position is compared with the last one's bytes there and, when equal, not decoded again (a
 * full read would otherwise make half a million short-lived strings).
 */
const lastBytes: Buffer[] = [];
const lastNames: string[] = [];
function nameAt(position: number, buf: Buffer, start: number, end: number): string {
  const last = lastBytes[position];
  if (last !== undefined && last.length === end - start) {
    let same = true;
    for (let i = 0; i < last.length; i++) {
      if (last[i] !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return lastNames[position]!;
  }
  const name = lowerOf(buf.toString('latin1', start, end));
  if (position < 64) {
    lastBytes[position] = Buffer.from(buf.subarray(start, end));
    lastNames[position] = name;
  }
  return name;
}

/**
 * A reader of BER elements over one complete message: `element(tag)` checks the tag at `at`, reads
 * its length (definite, at most four bytes) and leaves the content's bounds in `start` and `end`.
 */
class Elements {
  at: number;
  start = 0;
  end = 0;
  constructor(
    private readonly buf: Buffer,
    from: number,
    private readonly limit: number,
  ) {
    this.at = from;
  }

  element(tag: number): void {
    const { buf, limit } = this;
    if (this.at >= limit || buf[this.at] !== tag) throw new InvalidAsn1Error(`Expected 0x${tag.toString(16)} in a search entry`);
    let p = this.at + 1;
    if (p >= limit) throw new InvalidAsn1Error('Truncated search entry');
    let len = buf[p++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || p + n > limit) throw new InvalidAsn1Error('Bad length in a search entry');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
    }
    if (p + len > limit) throw new InvalidAsn1Error('Truncated search entry');
    this.start = p;
    this.end = p + len;
  }
}

/** A SearchResultEntry's content: DN, then a SEQUENCE of { type, SET of values } (RFC 4511 §4.5.2). */
export function decodeEntry(buf: Buffer, from: number, to: number): WireEntry {
  const r = new Elements(buf, from, to);
  r.element(OCTET_STRING);
  const dn = buf.toString('utf8', r.start, r.end);
  r.at = r.end;
  r.element(SEQUENCE);
  const attrsEnd = r.end;
  r.at = r.start;
  const attrNames: string[] = [];
  const attrValues: string[][] = [];
  while (r.at < attrsEnd) {
    r.element(SEQUENCE);
    const attrEnd = r.end;
    r.at = r.start;
    r.element(OCTET_STRING);
    attrNames.push(nameAt(attrNames.length, buf, r.start, r.end));
    r.at = r.end;
    const values: string[] = [];
    if (r.at < attrEnd) {
      r.element(SET);
      const setEnd = r.end;
      r.at = r.start;
      while (r.at < setEnd) {
        r.element(OCTET_STRING);
        // Lossy as ldapEntryAttrs is: a value that is not UTF-8 gets U+FFFD and fails the key rules.
        values.push(buf.toString('utf8', r.start, r.end));
        r.at = r.end;
      }
    }
    attrValues.push(values);
    r.at = attrEnd;
  }
  return new WireEntry(dn, attrNames, attrValues);
}

/** Where a complete LDAPMessage ends, or -1 while its bytes have not all arrived. */
function messageEnd(buf: Buffer, at: number): number {
  if (buf.length - at < 2) return -1;
  if (buf[at] !== SEQUENCE) throw new InvalidAsn1Error(`Expected an LDAP message, got 0x${buf[at]!.toString(16)}`);
  let p = at + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new InvalidAsn1Error('Bad LDAP message length');
    if (buf.length - p < n) return -1;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  return buf.length - p < len ? -1 : p + len;
}

interface Parser {
  read(data: Buffer, details: Map<string, unknown>): void;
  emit(event: 'error' | 'message', value: unknown): boolean;
}

/** What ldapts's search results hold in place of the entries handed to the caller (see below). */
export const TAKEN = Object.freeze({ dn: '' });

/**
 * ldapts asks for the next page only when the last one had an entry: each answer of the search gets
 * one stand-in, which its results list as TAKEN.
 */
class TakenEntries extends SearchEntry {
  override toObject(): never {
    return TAKEN as never;
  }
}

/**
 * Hands every search entry this client receives to `onEntry` instead of to ldapts (whose search
 * results then list TAKEN, once per page that had entries). False when the installed ldapts no longer has the parser this
 * hooks (its internals moved): the caller then folds ldapts's own entries — slower, never wrong.
 * A test holds the hook on the pinned version. The client must run one search at a time.
 */
export function interceptEntries(client: Client, onEntry: (entry: WireEntry) => void): boolean {
  const parser = (client as unknown as { messageParser?: Parser }).messageParser;
  if (parser === undefined || typeof parser.read !== 'function' || typeof parser.emit !== 'function') return false;
  const original = parser.read;
  let pending: Buffer | undefined;
  // The answers (message ids) that already have their stand-in; a page's answer is one id.
  const announced = new Set<number>();
  parser.read = function (this: Parser, data, details) {
    const buf = pending === undefined ? data : Buffer.concat([pending, data]);
    pending = undefined;
    let at = 0;
    let messageId: number | undefined;
    try {
      while (at < buf.length) {
        const end = messageEnd(buf, at);
        if (end < 0) break;
        // messageID INTEGER, then the protocol operation's tag: entries are ours, the rest ldapts's.
        const r = new Elements(buf, buf[at + 1]! & 0x80 ? at + 2 + (buf[at + 1]! & 0x7f) : at + 2, end);
        r.element(INTEGER);
        messageId = 0;
        for (let i = r.start; i < r.end; i++) messageId = messageId * 256 + buf[i]!;
        r.at = r.end;
        if (buf[r.at] === SEARCH_RESULT_ENTRY) {
          r.element(SEARCH_RESULT_ENTRY);
          onEntry(decodeEntry(buf, r.start, r.end));
          if (!announced.has(messageId)) {
            announced.add(messageId);
            this.emit('message', new TakenEntries({ messageId }));
          }
        } else {
          original.call(this, buf.subarray(at, end), details);
        }
        at = end;
      }
    } catch (err) {
      // As ldapts does with a message it cannot parse: the request it answers fails with the error.
      if (messageId !== undefined) Object.assign(err as object, { messageDetails: { messageId } });
      this.emit('error', err);
      return;
    }
    if (at < buf.length) pending = Buffer.from(buf.subarray(at));
  };
  return true;
}
