/**
 * The nightly Apogée extract (docs/directory.md §2.1): `;`-separated UTF-8 (RFC 4180 quoting, see csv.ts), one header row,
 * columns cod_etu, cod_anu, cod_etp required; eta_iae honoured (only E counts); lib_etp names cohorts.
 * Students are keyed by cod_etu, so Moodle must match on idnumber (USER_MATCH=idnumber=supannEtuId).
 */
import type { Logger } from '../log';
import { readCsv } from './csv';
import { FileChecks, emptyRead, lookupInRead, readTrustedFile, sidecarCount } from './file-source';
import { ETAPE_CODE } from '../domain/cohorts';
import { hasControlChars, normaliseEtape } from './supann';
import { Roster } from './roster';
import { DirectoryRead, DirectorySource, EtapeInfo, LookupResult, SkipCounter, Student } from './types';

const REQUIRED = ['cod_etu', 'cod_anu', 'cod_etp'] as const;

export interface ApogeeCsvOptions extends FileChecks {
  path: string;
  etapes?: Record<string, EtapeInfo>;
  logger?: Logger;
}

export class ApogeeCsvSource implements DirectorySource {
  constructor(private readonly opts: ApogeeCsvOptions) {}

  describe(): string {
    return `apogee-csv:${this.opts.path}`;
  }

  async lookup(key: string): Promise<LookupResult> {
    const { read, students } = this.scan();
    return lookupInRead(students, read, key);
  }

  async read(into?: Roster): Promise<DirectoryRead> {
    return this.scan(into).read;
  }

  /** Every student of the extract (for lookups; the roster of a read holds the same, compactly). */
  async students(): Promise<Student[]> {
    return this.scan().students;
  }

  private scan(into?: Roster): { read: DirectoryRead; students: Student[] } {
    const read = this.parse();
    return { read: { ...read, roster: Roster.from(read.students, into) }, students: read.students };
  }

  private parse(): Omit<DirectoryRead, 'roster'> & { students: Student[] } {
    const started = Date.now();
    const file = readTrustedFile(this.opts.path, this.opts);
    if ('problem' in file) return { ...emptyRead(this.describe(), started, file.problem), students: [] };
    const csv = readCsv(file.text);
    if ('problem' in csv) return { ...emptyRead(this.describe(), started, `${this.opts.path}: ${csv.problem}`), students: [] };
    const lines = csv.records;
    if (lines.length === 0) return { ...emptyRead(this.describe(), started, 'the extract is empty (no header row)'), students: [] };
    const header = lines[0]!.map((h) => h.trim().toLowerCase());
    const missing = REQUIRED.filter((c) => !header.includes(c));
    if (missing.length > 0) return { students: [], ...emptyRead(this.describe(), started, `the extract has no ${missing.join(', ')} column (header: ${header.join(';').slice(0, 120)})`) };
    const col = (name: string) => header.indexOf(name);
    const [iEtu, iAnu, iEtp, iEta, iLib] = [col('cod_etu'), col('cod_anu'), col('cod_etp'), col('eta_iae'), col('lib_etp')];

    const rows = lines.length - 1;
    const expected = sidecarCount(this.opts.path);
    if (expected !== undefined && expected !== rows) {
      return { ...emptyRead(this.describe(), started, `the extract has ${rows} rows but ${this.opts.path}.count says ${expected}: the file is truncated or being written`), entries: rows, students: [] };
    }

    const skip = new SkipCounter();
    const etapes: Record<string, EtapeInfo> = { ...(this.opts.etapes ?? {}) };
    const byEtu = new Map<string, Student>();
    for (const f of lines.slice(1)) {
      const etu = (f[iEtu] ?? '').trim();
      const anu = (f[iAnu] ?? '').trim();
      const etpRaw = f[iEtp] ?? '';
      if (etu === '' || etu.length > 64 || hasControlChars(etu)) {
        skip.add('no_user_key');
        continue;
      }
      if (!/^\d{4}$/.test(anu)) {
        skip.add('bad_year');
        continue;
      }
      const { code, changed } = normaliseEtape(etpRaw);
      if (code === '') {
        skip.add('no_etape');
        continue;
      }
      if (!ETAPE_CODE.test(code)) {
        skip.add('bad_etape_code');
        continue;
      }
      if (changed) skip.add('normalised_code');
      const status = iEta >= 0 ? (f[iEta] ?? '').trim().toUpperCase() : undefined;
      if (status !== undefined && status !== 'E') skip.add('not_active');
      const label = iLib >= 0 ? (f[iLib] ?? '').trim() : '';
      if (label !== '') etapes[code] = { ...etapes[code], label };
      let s = byEtu.get(etu);
      if (!s) byEtu.set(etu, (s = { key: etu, etuId: etu, listeRouge: false, inscriptions: [] }));
      if (!s.inscriptions.some((i) => i.year === Number(anu) && i.etape === code && i.status === status)) {
        s.inscriptions.push({ year: Number(anu), etape: code, status });
      }
    }
    return {
      source: this.describe(),
      entries: rows,
      students: [...byEtu.values()],
      skipped: skip.counts,
      complete: rows > 0,
      incompleteReason: rows > 0 ? undefined : 'the extract has a header but no rows',
      warnings: [],
      etapes,
      durationMs: Date.now() - started,
    };
  }
}
