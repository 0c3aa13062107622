/** Builds the configured directory source, and summarises a read for people and for the CLI. */
import fs from 'node:fs';
import type { Config } from '../config';
import type { YearWindow } from '../domain/academic-year';
import type { Logger } from '../log';
import { ApogeeCsvSource } from './apogee-csv';
import { readCsv } from './csv';
import { EntryRules } from './entry';
import { LdapSource } from './ldap';
import { LdifSource } from './ldif';
import { DirectoryRead, DirectorySource, EtapeInfo, Student } from './types';

export * from './types';
export { Roster } from './roster';

/** The étape label file (`code;label;composante`, header optional) that names cohorts when LDAP cannot. */
export function readEtapeLabels(path: string | undefined): Record<string, EtapeInfo> {
  if (!path) return {};
  const csv = readCsv(fs.readFileSync(path, 'utf8'));
  if ('problem' in csv) throw new DirectoryConfigError(`ETAPE_LABELS_FILE ${path}: ${csv.problem}`);
  const out: Record<string, EtapeInfo> = {};
  for (const record of csv.records) {
    const [code, label, composante] = record.map((f) => f.trim());
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

/** In force: LDAP publishes only inscriptions in force (no status); Apogée's must say E. */
export const inForce = (status: string | undefined): boolean => status === undefined || status === 'E';

/** Inscriptions that count in the year window: in force and of a counted year. */
export function countedEtapes(s: Pick<Student, 'inscriptions'>, years: number[]): string[] {
  return [...new Set(s.inscriptions.filter((i) => years.includes(i.year) && inForce(i.status)).map((i) => i.etape))];
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
  const { roster } = read;
  const counts = new Array<number>(roster.etapeCodes.length).fill(0);
  const skipped = { ...read.skipped };
  const seen = new Set<number>();
  for (let i = 0; i < roster.size; i++) {
    seen.clear();
    roster.forEachInscription(i, (e, year, status) => {
      if (!window.add.includes(year)) skipped.other_year = (skipped.other_year ?? 0) + 1;
      else if (inForce(status) && !seen.has(e)) {
        seen.add(e);
        counts[e]!++;
      }
    });
  }
  const sorted = Object.fromEntries(
    roster.etapeCodes
      .map((code, e) => [code, counts[e]!] as const)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    source: read.source,
    entries: read.entries,
    students: roster.size,
    etapes: sorted,
    skipped,
    complete: read.complete,
    ...(read.incompleteReason ? { incompleteReason: read.incompleteReason } : {}),
    ...(read.warnings.length > 0 ? { warnings: read.warnings } : {}),
    durationMs: read.durationMs,
  };
}
