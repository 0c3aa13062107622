/** Builds the configured directory source, and summarises a read for people and for the CLI. */
import fs from 'node:fs';
import type { Config } from '../config';
import type { YearWindow } from '../domain/academic-year';
import type { Logger } from '../log';
import { ApogeeCsvSource, splitCsvLine } from './apogee-csv';
import { EntryRules } from './entry';
import { LdapSource } from './ldap';
import { LdifSource } from './ldif';
import { DirectoryRead, DirectorySource, EtapeInfo, Student } from './types';

export * from './types';

/** The étape label file (`code;label;composante`, header optional) that names cohorts when LDAP cannot. */
export function readEtapeLabels(path: string | undefined): Record<string, EtapeInfo> {
  if (!path) return {};
  const text = fs.readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const out: Record<string, EtapeInfo> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [code, label, composante] = splitCsvLine(line).map((f) => f.trim());
    if (!code || code.toLowerCase() === 'code') continue;
    out[code.toUpperCase()] = { label: label || undefined, composante: composante || undefined };
  }
  return out;
}

export class DirectoryConfigError extends Error {}

export function createDirectorySource(config: Config, logger?: Logger): DirectorySource {
  const d = config.directory;
  const etapes = readEtapeLabels(d.etapeLabelsFile);
  const rules: EntryRules = {
    keyAttribute: config.userMatch.attribute,
    keyField: config.userMatch.moodleField,
    uai: d.uai,
    acceptForeignEtapeQualifier: d.acceptForeignEtapeQualifier,
  };
  if (d.source === 'ldap') {
    return new LdapSource({ ...d.ldap, url: d.ldap.url!, baseDn: d.ldap.baseDn!, rules, etapes, logger });
  }
  const file = d.file!;
  if (/\.csv$/i.test(file)) {
    if (config.userMatch.moodleField !== 'idnumber') {
      throw new DirectoryConfigError('an Apogée extract identifies students only by cod_etu: set USER_MATCH=idnumber=supannEtuId (Moodle idnumber = student number)');
    }
    return new ApogeeCsvSource({ path: file, etapes, maxFileAgeHours: d.maxFileAgeHours, logger });
  }
  return new LdifSource({ path: file, rules, etapes, maxFileAgeHours: d.maxFileAgeHours, logger });
}

/** Inscriptions that count in the year window: in force (LDAP, or Apogée status E) and of a counted year. */
export function countedEtapes(s: Student, years: number[]): string[] {
  return [...new Set(s.inscriptions.filter((i) => years.includes(i.year) && (i.status === undefined || i.status === 'E')).map((i) => i.etape))];
}

export interface DirectorySummary {
  source: string;
  entries: number;
  students: number;
  etapes: Record<string, number>;
  skipped: Record<string, number>;
  complete: boolean;
  incompleteReason?: string;
  warnings?: string[];
  durationMs: number;
}

/** The `directory --json` document: counts per étape for the years that add members. */
export function summariseRead(read: DirectoryRead, window: YearWindow): DirectorySummary {
  const etapes: Record<string, number> = {};
  const skipped = { ...read.skipped };
  for (const s of read.students) {
    for (const code of countedEtapes(s, window.add)) etapes[code] = (etapes[code] ?? 0) + 1;
    const other = s.inscriptions.filter((i) => !window.add.includes(i.year)).length;
    if (other > 0) skipped.other_year = (skipped.other_year ?? 0) + other;
  }
  const sorted = Object.fromEntries(Object.entries(etapes).sort(([a], [b]) => a.localeCompare(b)));
  return {
    source: read.source,
    entries: read.entries,
    students: read.students.length,
    etapes: sorted,
    skipped,
    complete: read.complete,
    ...(read.incompleteReason ? { incompleteReason: read.incompleteReason } : {}),
    ...(read.warnings.length > 0 ? { warnings: read.warnings } : {}),
    durationMs: read.durationMs,
  };
}
