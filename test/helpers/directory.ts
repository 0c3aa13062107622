/** An in-memory directory for engine tests: students and inscriptions set by the test. */
import path from 'path';
import { lookupInRead } from '../../src/directory/file-source';
import { Roster } from '../../src/directory/roster';
import type { DirectoryRead, DirectorySource, LookupResult, Student } from '../../src/directory/types';

export class MemoryDirectory implements DirectorySource {
  students: Student[] = [];
  complete = true;
  incompleteReason?: string;
  warnings: string[] = [];
  etapes: DirectoryRead['etapes'] = {};

  describe(): string {
    return 'memory';
  }

  async read(into?: Roster): Promise<DirectoryRead> {
    return {
      source: 'memory',
      entries: this.students.length,
      roster: Roster.from(this.complete ? this.students : this.students.slice(0, Math.floor(this.students.length / 2)), into),
      skipped: {},
      complete: this.complete,
      incompleteReason: this.incompleteReason,
      warnings: this.warnings,
      etapes: this.etapes,
      durationMs: 0,
    };
  }

  /** The same lookup as the file sources (key, number, e-mail, or full name). */
  async lookup(key: string): Promise<LookupResult> {
    if (!this.complete) return { complete: false, incompleteReason: this.incompleteReason, found: 'none', matches: 0, skipped: {} };
    return lookupInRead(this.students, { complete: true }, key);
  }

  /** A student with current-year inscriptions to the given étapes. */
  static student(key: string, etapes: string[], year = 2026): Student {
    return { key, uid: key, listeRouge: false, inscriptions: etapes.map((etape) => ({ year, etape })) };
  }
}

/** The demo's directory (fixtures/demo-directory.ldif) as students: the world most chat and why tests talk about. */
export async function demoStudents(): Promise<Student[]> {
  const { LdifSource } = await import('../../src/directory/ldif');
  const { REPO_FIXTURES } = await import('./simulator');
  return new LdifSource({ path: path.join(REPO_FIXTURES, 'demo-directory.ldif'), rules: { keyAttribute: 'uid', keyField: 'username' }, maxFileAgeHours: 0 }).students();
}
