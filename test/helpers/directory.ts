/** An in-memory directory for engine tests: students and inscriptions set by the test. */
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

  async read(): Promise<DirectoryRead> {
    return {
      source: 'memory',
      entries: this.students.length,
      students: this.complete ? this.students.map((s) => ({ ...s, inscriptions: [...s.inscriptions] })) : this.students.slice(0, Math.floor(this.students.length / 2)),
      skipped: {},
      complete: this.complete,
      incompleteReason: this.incompleteReason,
      warnings: this.warnings,
      etapes: this.etapes,
      durationMs: 0,
    };
  }

  async lookup(key: string): Promise<LookupResult> {
    const k = key.toLowerCase();
    const hits = this.students.filter((s) => [s.key, s.etuId, s.mail].some((v) => v?.toLowerCase() === k));
    if (!this.complete) return { complete: false, incompleteReason: this.incompleteReason, found: 'none', matches: 0, skipped: {} };
    return hits.length === 1 ? { complete: true, found: 'student', student: hits[0], matches: 1, skipped: {} } : { complete: true, found: hits.length ? 'student' : 'none', matches: hits.length, skipped: {} };
  }

  /** A student with current-year inscriptions to the given étapes. */
  static student(key: string, etapes: string[], year = 2026): Student {
    return { key, uid: key, listeRouge: false, inscriptions: etapes.map((etape) => ({ year, etape })) };
  }
}
