/**
 * What a full directory read keeps: each student once, by key, with the inscriptions that can make
 * them a member (year, étape, status) — nothing else. Étape codes are interned (an int per code) and
 * inscriptions are packed in one growing Int32Array, so 100,000 students cost a few megabytes and no
 * long-lived objects for the garbage collector to trace. Names, e-mails and numbers are not kept:
 * the sync does not need them, and one-student lookups ask the source again.
 */
import type { Inscription } from './supann';

/** One student as the roster holds it, materialised on demand (tests, small consumers). */
export interface RosterStudent {
  key: string;
  listeRouge: boolean;
  inscriptions: Array<Pick<Inscription, 'year' | 'etape' | 'status'>>;
}

/** Apogée statuses are one letter (E, A, R…): stored as its char code; 0 for none (LDAP: in force); others, even '', through a side list. */
const statusCode = (s: string | undefined): number => (s === undefined ? 0 : s.length === 1 ? s.charCodeAt(0) : -1);

export class Roster {
  private readonly keyList: string[] = [];
  private readonly indexByKey = new Map<string, number>();
  private readonly red: number[] = [];
  private readonly codes: string[] = [];
  private readonly codeIds = new Map<string, number>();
  /** Long statuses (never seen in practice, kept exact all the same), by negative code. */
  private readonly longStatuses: string[] = [];
  /** Per inscription: étape id, year, status code — three ints; a student's run is contiguous. */
  private packed = new Int32Array(3 * 1024);
  private used = 0;
  /** starts[i] = first int of student i's run; runs of merged duplicates are chained through next. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly next: number[] = [];

  get size(): number {
    return this.keyList.length;
  }

  /** Étape codes seen, by id. */
  get etapeCodes(): readonly string[] {
    return this.codes;
  }

  key(i: number): string {
    return this.keyList[i]!;
  }

  indexOf(key: string): number | undefined {
    return this.indexByKey.get(key);
  }

  listeRouge(i: number): boolean {
    return this.red[i] === 1;
  }

  etapeId(code: string): number {
    let id = this.codeIds.get(code);
    if (id === undefined) {
      id = this.codes.length;
      this.codes.push(code);
      this.codeIds.set(code, id);
    }
    return id;
  }

  etapeIdOf(code: string): number | undefined {
    return this.codeIds.get(code);
  }

  /**
   * Adds a student, or merges a second entry with the same key into the first (one person, one
   * member: the union of their inscriptions, red list if either entry says so).
   */
  add(key: string, listeRouge: boolean, inscriptions: Iterable<Pick<Inscription, 'year' | 'etape' | 'status'>>): number {
    let i = this.indexByKey.get(key);
    const start = this.used;
    for (const ins of inscriptions) {
      if (i !== undefined && this.has(i, ins)) continue;
      this.push(this.etapeId(ins.etape), ins.year, this.encodeStatus(ins.status));
    }
    if (i === undefined) {
      i = this.keyList.length;
      this.keyList.push(key);
      this.indexByKey.set(key, i);
      this.red.push(listeRouge ? 1 : 0);
      this.starts.push(start);
      this.ends.push(this.used);
      this.next.push(-1);
      return i;
    }
    if (listeRouge) this.red[i] = 1;
    if (this.used > start) {
      // Chain the new run after the student's last one.
      let last = i;
      while (this.next[last]! >= 0) last = this.next[last]!;
      const link = this.starts.length;
      this.starts.push(start);
      this.ends.push(this.used);
      this.next.push(-1);
      this.next[last] = link;
    }
    return i;
  }

  /** Calls fn for each inscription of student i: its étape id, year and status (undefined: in force, as LDAP publishes). */
  forEachInscription(i: number, fn: (etapeId: number, year: number, status: string | undefined) => void): void {
    for (let run = i; run >= 0; run = this.next[run]!) {
      for (let p = this.starts[run]!; p < this.ends[run]!; p += 3) fn(this.packed[p]!, this.packed[p + 1]!, this.decodeStatus(this.packed[p + 2]!));
    }
  }

  student(i: number): RosterStudent {
    const inscriptions: RosterStudent['inscriptions'] = [];
    this.forEachInscription(i, (e, year, status) => inscriptions.push(status === undefined ? { year, etape: this.codes[e]! } : { year, etape: this.codes[e]!, status }));
    return { key: this.keyList[i]!, listeRouge: this.red[i] === 1, inscriptions };
  }

  *students(): IterableIterator<RosterStudent> {
    for (let i = 0; i < this.size; i++) yield this.student(i);
  }

  static from(students: Iterable<{ key: string; listeRouge?: boolean; inscriptions: Iterable<Pick<Inscription, 'year' | 'etape' | 'status'>> }>): Roster {
    const r = new Roster();
    for (const s of students) r.add(s.key, s.listeRouge ?? false, s.inscriptions);
    return r;
  }

  private has(i: number, ins: Pick<Inscription, 'year' | 'etape' | 'status'>): boolean {
    const e = this.codeIds.get(ins.etape);
    if (e === undefined) return false;
    let found = false;
    this.forEachInscription(i, (id, year, status) => (found ||= id === e && year === ins.year && status === ins.status));
    return found;
  }

  private encodeStatus(s: string | undefined): number {
    const c = statusCode(s);
    if (c !== -1) return c;
    let k = this.longStatuses.indexOf(s!);
    if (k < 0) k = this.longStatuses.push(s!) - 1;
    return -1 - k;
  }

  private decodeStatus(c: number): string | undefined {
    if (c === 0) return undefined;
    return c > 0 ? String.fromCharCode(c) : this.longStatuses[-1 - c];
  }

  private push(a: number, b: number, c: number): void {
    if (this.used + 3 > this.packed.length) {
      const bigger = new Int32Array(this.packed.length * 2);
      bigger.set(this.packed);
      this.packed = bigger;
    }
    this.packed[this.used++] = a;
    this.packed[this.used++] = b;
    this.packed[this.used++] = c;
  }
}
