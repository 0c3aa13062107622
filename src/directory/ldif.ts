/** The directory from an LDIF file: the same entries and rules as LDAP, for the demo and offline runs. */
import type { Logger } from '../log';
import { AttrMap, EntryRules, studentFromEntry } from './entry';
import { FileChecks, emptyRead, lookupInRead, readTrustedFile } from './file-source';
import { DirectoryRead, DirectorySource, EtapeInfo, LookupResult, SkipCounter, Student } from './types';

export interface LdifEntry {
  dn: string;
  attrs: AttrMap;
}

/** Parses LDIF content records: folded lines, comments, base64 (`::`) values. */
export function parseLdif(text: string): { entries: LdifEntry[]; errors: number } {
  const entries: LdifEntry[] = [];
  let errors = 0;
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n /g, '');
  for (const block of unfolded.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    if (lines.length === 0) continue;
    if (lines.length === 1 && /^version:/i.test(lines[0]!)) continue;
    let dn: string | undefined;
    const attrs: AttrMap = new Map();
    for (const line of lines) {
      if (/^version:/i.test(line)) continue;
      const m = /^([A-Za-z][A-Za-z0-9;-]*)(::?|:<)\s?(.*)$/.exec(line);
      if (!m) {
        errors++;
        continue;
      }
      const [, name, sep, rest] = m as unknown as [string, string, string, string];
      if (sep === ':<') continue; // URL values are not fetched
      const value = sep === '::' ? Buffer.from(rest, 'base64').toString('utf8') : rest;
      if (name.toLowerCase() === 'dn') dn = value;
      else {
        const key = name.split(';')[0]!.toLowerCase();
        attrs.set(key, [...(attrs.get(key) ?? []), value]);
      }
    }
    if (dn === undefined) errors++;
    else entries.push({ dn, attrs });
  }
  return { entries, errors };
}

export interface LdifSourceOptions extends FileChecks {
  path: string;
  rules: EntryRules;
  etapes?: Record<string, EtapeInfo>;
  logger?: Logger;
}

export class LdifSource implements DirectorySource {
  constructor(private readonly opts: LdifSourceOptions) {}

  describe(): string {
    return `ldif:${this.opts.path}`;
  }

  async read(): Promise<DirectoryRead> {
    return (await this.readWithExclusions()).read;
  }

  async lookup(key: string): Promise<LookupResult> {
    const { read, excluded } = await this.readWithExclusions();
    return lookupInRead(read, key, excluded);
  }

  private async readWithExclusions(): Promise<{ read: DirectoryRead; excluded: Map<string, string> }> {
    const started = Date.now();
    const file = readTrustedFile(this.opts.path, this.opts);
    if ('problem' in file) return { read: emptyRead(this.describe(), started, file.problem), excluded: new Map() };
    const { entries, errors } = parseLdif(file.text);
    const skip = new SkipCounter();
    if (errors > 0) skip.add('malformed_ldif_record', errors);
    const students: Student[] = [];
    const excluded = new Map<string, string>();
    let people = 0;
    for (const e of entries) {
      if (!isPerson(e.attrs)) continue;
      people++;
      const r = studentFromEntry(e.dn, e.attrs, this.opts.rules, skip, this.opts.logger);
      if (r.ok) students.push(r.student);
      else {
        skip.add(r.reason);
        for (const a of ['uid', 'mail', 'supannetuid']) for (const v of e.attrs.get(a) ?? []) excluded.set(v.toLowerCase(), r.reason);
      }
    }
    const read: DirectoryRead = {
      source: this.describe(),
      entries: people,
      students,
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
