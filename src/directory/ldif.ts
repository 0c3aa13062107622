/** The directory from an LDIF file: the same entries and rules as LDAP, for the demo and offline runs. */
import fs from 'node:fs';
import type { Logger } from '../log';
import { AttrMap, EntryRules, InscriptionCache, lowerOf, membershipFromEntry, studentFromEntry, syncAttributes } from './entry';
import { FileChecks, emptyRead, lookupInRead, readTrustedFile } from './file-source';
import { Roster } from './roster';
import { DirectoryRead, DirectorySource, EtapeInfo, LookupResult, SkipCounter, Student } from './types';

/** Folds one person entry into what a scan collects; says why it was skipped, if it was. */
type Take = (dn: string, attrs: AttrMap, skip: SkipCounter, cache: InscriptionCache) => { ok: true } | { ok: false; reason: string };

export interface LdifEntry {
  dn: string;
  attrs: AttrMap;
}

/** Parses LDIF content records: folded lines, comments, base64 (`::`) values. */
export function parseLdif(text: string): { entries: LdifEntry[]; errors: number } {
  const entries: LdifEntry[] = [];
  let errors = 0;
  for (const r of ldifRecords(text)) {
    if (r === 'error') errors++;
    else entries.push(r);
  }
  return { entries, errors };
}

const LINE = /^([A-Za-z][A-Za-z0-9;-]*)(::?|:<)\s?(.*)$/;
const NAME = /^[A-Za-z][A-Za-z0-9;-]*$/;
const WS = /\s/;
const NOT_DOT = /[\n\r\u2028\u2029]/;

/**
 * `name: value` / `name:: base64` split as LINE does, without running it on every line of a big
 * directory. (As with LINE, `name:< url` reads as a plain value starting with '<' unless only `:<` fits.)
 */
function splitLine(line: string): [string, string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon < 1) return undefined;
  const name = line.slice(0, colon);
  if (!NAME.test(name)) return undefined;
  let i = colon + 1;
  const sep = line.charCodeAt(i) === 58 /* : */ ? '::' : ':';
  if (sep === '::') i++;
  if (i < line.length && WS.test(line[i]!)) i++;
  const rest = line.slice(i);
  // LINE's `.` does not match these: LINE itself says what such a line is (broken, or `:<` then a space).
  if (NOT_DOT.test(rest)) {
    const m = LINE.exec(line);
    return m ? [m[1]!, m[2]!, m[3]!] : undefined;
  }
  return [name, sep, rest];
}

/** Each spelling of an attribute name (`supannEtuInscription`, `cn;lang-fr`): its lower-case name without options, or '' when it is not a name. */
const namesSeen = new Map<string, string>();
function attributeOf(raw: string): string {
  let key = namesSeen.get(raw);
  if (key === undefined) {
    key = NAME.test(raw) ? raw.split(';')[0]!.toLowerCase() : '';
    // Bounded: a hostile file cannot grow it past a few thousand spellings.
    if (namesSeen.size < 5000) namesSeen.set(raw, key);
  }
  return key;
}

const isBlank = (line: string) => line === '' || (WS.test(line[0]!) && line.trim() === '');
const isVersion = (line: string) => (line.charCodeAt(0) | 32) === 118 /* v */ && /^version:/i.test(line);

/**
 * The records of an LDIF text one at a time ('error' for a broken line or a record without a dn), so
 * a reader can fold each entry and keep none: no array of entries, no copy of the unfolded text.
 * With `keep` (lower-case names), other attributes are checked but neither decoded nor kept: the full
 * read needs five of a person's dozen attributes, and never the names and e-mails.
 */
export function* ldifRecords(text: string, keep?: ReadonlySet<string>): Generator<LdifEntry | 'error'> {
  let pos = 0;
  const n = text.length;
  let dn: string | undefined;
  let attrs: AttrMap = new Map();
  let lines = 0;
  let versionOnly = true;
  const take = (line: string): 'error' | undefined => {
    if (line === '' || line.charCodeAt(0) === 35 /* # */) return undefined;
    lines++;
    if (isVersion(line)) return undefined;
    versionOnly = false;
    const colon = line.indexOf(':');
    if (colon < 1) return 'error';
    const attribute = attributeOf(line.slice(0, colon));
    if (attribute === '') return 'error';
    // Not kept: only whether the line is well formed matters, and only a line break inside can break it.
    const isDn = colon === 2 && attribute === 'dn';
    if (keep !== undefined && !isDn && !keep.has(attribute)) return NOT_DOT.test(line) && !splitLine(line) ? 'error' : undefined;
    const m = splitLine(line);
    if (!m) return 'error';
    const [, sep, rest] = m;
    if (sep === ':<') return undefined; // URL values are not fetched
    const value = sep === '::' ? Buffer.from(rest, 'base64').toString('utf8') : rest;
    if (isDn) dn = value;
    else {
      const before = attrs.get(attribute);
      if (before) before.push(value);
      else attrs.set(attribute, [value]);
    }
    return undefined;
  };
  const end = function* (): Generator<LdifEntry | 'error'> {
    if (lines > 0 && !versionOnly) {
      if (dn === undefined) yield 'error';
      else yield { dn, attrs };
    }
    dn = undefined;
    attrs = new Map();
    lines = 0;
    versionOnly = true;
  };
  while (pos < n) {
    // One logical line: a physical line plus its continuations (lines starting with one space).
    const start = pos;
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    let line = text.slice(pos, eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol);
    pos = eol + 1;
    while (pos < n && text.charCodeAt(pos) === 32) {
      let e2 = text.indexOf('\n', pos);
      if (e2 < 0) e2 = n;
      line += text.slice(pos + 1, e2 > pos && text.charCodeAt(e2 - 1) === 13 ? e2 - 1 : e2);
      pos = e2 + 1;
    }
    // A line of white space separates records — between two line ends only: the text's first line and
    // an unterminated last one are lines like any other (and broken ones).
    if (isBlank(line) && (line === '' || (start > 0 && pos <= n))) {
      yield* end();
      continue;
    }
    if (take(line) === 'error') yield 'error';
  }
  yield* end();
}

const YIELD_EVERY = 2000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface LdifSourceOptions extends FileChecks {
  path: string;
  rules: EntryRules;
  etapes?: Record<string, EtapeInfo>;
  logger?: Logger;
}

/** How long one full read answers one-student lookups (the file itself changes once a night). */
const LOOKUP_KEEP_MS = 60_000;

/** A file's size and modification time: a new export changes it. */
const fileStamp = (file: string): string => {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
};

export class LdifSource implements DirectorySource {
  /** What a full read decodes: the attributes that decide membership, and the classes that say who is a person. */
  private readonly fullReadAttributes: ReadonlySet<string>;

  constructor(private readonly opts: LdifSourceOptions) {
    this.fullReadAttributes = new Set([...syncAttributes(opts.rules.keyAttribute), 'objectClass'].map(lowerOf));
  }

  describe(): string {
    return `ldif:${this.opts.path}`;
  }

  /** The whole file, folded entry by entry into the roster. */
  async read(into?: Roster): Promise<DirectoryRead> {
    const roster = into ?? new Roster();
    // A full read keeps the membership only: no names or e-mails are even looked at.
    const take: Take = (dn, attrs, skip, cache) => {
      const m = membershipFromEntry(dn, attrs, this.opts.rules, skip, this.opts.logger, cache);
      if (m.ok) roster.add(m.key, m.listeRouge, m.inscriptions);
      return m;
    };
    return (await this.scan(take, roster, this.fullReadAttributes)).read;
  }

  /** Every student with all their details (names, e-mails): for one-student lookups only. */
  async students(): Promise<Student[]> {
    const students: Student[] = [];
    await this.scan(this.into(students), new Roster());
    return students;
  }

  async lookup(key: string): Promise<LookupResult> {
    const { students, read, excluded } = await this.lookupRead();
    return lookupInRead(students, read, key, excluded);
  }

  /**
   * One full read serves the lookups of a busy moment (several "why" at once): shared while it runs and
   * kept LOOKUP_KEEP_MS while the file is unchanged (same size and time), then let go. Scanning a
   * university's file takes a CPU-second that every chat answer and a running sync would wait behind.
   */
  private lookupRead(): Promise<{ students: Student[]; read: DirectoryRead; excluded: Map<string, string> }> {
    const stamp = fileStamp(this.opts.path);
    const kept = this.kept;
    if (kept && kept.stamp === stamp && Date.now() - kept.at < LOOKUP_KEEP_MS) return kept.value;
    const students: Student[] = [];
    const value = this.scan(this.into(students), new Roster()).then((r) => ({ students, ...r }));
    this.kept = { stamp, at: Date.now(), value };
    value.catch(() => this.kept?.value === value && (this.kept = undefined));
    return value;
  }

  private kept?: { stamp: string; at: number; value: ReturnType<LdifSource['lookupRead']> };

  /** Whole students (names, e-mails) into a list: for one-student look-ups. */
  private into(students: Student[]): Take {
    return (dn, attrs, skip, cache) => {
      const r = studentFromEntry(dn, attrs, this.opts.rules, skip, this.opts.logger, cache);
      if (r.ok) students.push(r.student);
      return r;
    };
  }

  /** Folds every person entry with `take`; with `keep`, a full read's scan, only those attributes are decoded and no exclusions are noted. */
  private async scan(take: Take, roster: Roster, keep?: ReadonlySet<string>): Promise<{ read: DirectoryRead; excluded: Map<string, string> }> {
    const started = Date.now();
    const file = readTrustedFile(this.opts.path, this.opts);
    if ('problem' in file) return { read: emptyRead(this.describe(), started, file.problem), excluded: new Map() };
    const skip = new SkipCounter();
    const excluded = new Map<string, string>();
    const cache = new InscriptionCache(this.opts.rules);
    let people = 0;
    let records = 0;
    for (const e of ldifRecords(file.text, keep)) {
      if (++records % YIELD_EVERY === 0) await yieldToLoop();
      if (e === 'error') {
        skip.add('malformed_ldif_record');
        continue;
      }
      if (!isPerson(e.attrs)) continue;
      people++;
      const r = take(e.dn, e.attrs, skip, cache);
      if (!r.ok) {
        skip.add(r.reason);
        // Who is left out and why: for a look-up's answer ("not a student"), not for the nightly read.
        if (keep === undefined) for (const a of ['uid', 'mail', 'supannetuid']) for (const v of e.attrs.get(a) ?? []) excluded.set(v.toLowerCase(), r.reason);
      }
    }
    const read: DirectoryRead = {
      source: this.describe(),
      entries: people,
      roster,
      skipped: skip.counts,
      complete: people > 0,
      incompleteReason: people > 0 ? undefined : 'the file holds no person entries',
      warnings: [],
      etapes: this.opts.etapes ?? {},
      durationMs: Date.now() - started,
    };
    return { read, excluded };
  }
}

/** Person entries carry the eduPerson or supannPerson class, or an affiliation; the tree's other nodes do not. */
function isPerson(attrs: AttrMap): boolean {
  const classes = (attrs.get('objectclass') ?? []).map((c) => c.toLowerCase());
  return classes.some((c) => ['inetorgperson', 'person', 'eduperson', 'supannperson'].includes(c)) || attrs.has('edupersonaffiliation');
}
