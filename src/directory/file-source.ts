/**
 * What the two file sources share: freshness and sidecar checks, and one-student lookup over a full
 * read. A file that cannot be trusted makes the read incomplete, so the sync removes no one.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import { Roster } from './roster';
import { DirectoryRead, LookupResult, Student } from './types';

export interface FileChecks {
  /** Refuse a file older than this many hours (0 = no check). */
  maxFileAgeHours: number;
  now?: () => Date;
}

/** Reads the file or explains why it cannot be used. */
export function readTrustedFile(path: string, checks: FileChecks): { text: string } | { problem: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (err) {
    return { problem: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const now = (checks.now ?? (() => new Date()))();
  if (checks.maxFileAgeHours > 0 && now.getTime() - stat.mtimeMs > checks.maxFileAgeHours * 3_600_000) {
    return { problem: `${path} is older than ${checks.maxFileAgeHours} h (DIRECTORY_MAX_FILE_AGE_HOURS): the nightly export probably failed` };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    return { problem: `cannot read ${path}: ${(err as Error).message}` };
  }
  // Most exports are ASCII: then the bytes are the text, copied without UTF-8 decoding (a tenth of the time).
  if (isAscii(bytes)) return { text: bytes.toString('latin1') };
  return { text: bytes.toString('utf8').replace(/^\uFEFF/, '') };
}

/** A sidecar `<file>.count` holding the expected number of data rows, when the export writes one. */
export function sidecarCount(path: string): number | undefined {
  const side = `${path}.count`;
  if (!fs.existsSync(side)) return undefined;
  const n = Number(fs.readFileSync(side, 'utf8').trim());
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

export function emptyRead(source: string, started: number, reason: string): DirectoryRead {
  return { source, entries: 0, roster: new Roster(), skipped: {}, complete: false, incompleteReason: reason, warnings: [], etapes: {}, durationMs: Date.now() - started };
}

/** Finds one student among the students of a full read by uid, student number or e-mail (case-insensitive). */
export function lookupInRead(students: Student[], read: Pick<DirectoryRead, 'complete' | 'incompleteReason'>, key: string, excluded: Map<string, string> = new Map()): LookupResult {
  const k = key.trim().toLowerCase();
  const base = { complete: read.complete, incompleteReason: read.incompleteReason, skipped: {} };
  let hits = students.filter((s) => [s.key, s.uid, s.etuId, s.mail].some((v) => v !== undefined && v.toLowerCase() === k));
  // Asked by name ("Sarah Laurent"): the display name, accents and case aside.
  if (hits.length === 0 && /\s/.test(k)) hits = students.filter((s) => s.displayName !== undefined && foldName(s.displayName) === foldName(key));
  if (hits.length === 1) return { ...base, found: 'student', student: hits[0], matches: 1 };
  if (hits.length > 1) return { ...base, found: 'student', student: undefined, matches: hits.length, candidates: hits.slice(0, 10).map((s) => ({ key: s.key, displayName: s.displayName })) };
  const reason = excluded.get(k);
  if (reason) return { ...base, found: 'excluded', reason, matches: 1 };
  return { ...base, found: 'none', matches: 0 };
}

/** Names compared the way people type them: no accents, no case, single spaces. */
export const foldName = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
