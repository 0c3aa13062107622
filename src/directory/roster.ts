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

/**
 * Told of every addition as it happens: student `i` and the range of `packed` its new inscriptions
 * took (empty when a repeated entry brought nothing new). A full read's consumer (the sync's desired
 * state) folds students while the directory is still sending.
 */
export type RosterListener = (roster: Roster, i: number, from: number, to: number) => void;

export class Roster {
  private readonly keyList: string[] = [];
  private readonly indexByKey = new Map<string, number>();
  private red = new Uint8Array(1024);
  private readonly codes: string[] = [];
  private readonly codeIds = new Map<string, number>();
  /** Long statuses (never seen in practice, kept exact all the same), by negative code. */
  private readonly longStatuses: string[] = [];
  /** Per inscription: étape id, year, status code — three ints; a student's first run is contiguous. */
  private packed = new Int32Array(3 * 4096);
  private used = 0;
  /** starts[i], ends[i]: student i's first run of inscriptions in `packed`. */
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  /** Runs added by later entries with the same key (rare): [start, end] pairs by student. */
  private readonly more = new Map<number, number[]>();

  constructor(private readonly listener?: RosterListener) {}

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
  add(key: string, listeRouge: boolean, inscriptions: ReadonlyArray<Pick<Inscription, 'year' | 'etape' | 'status'>>): number {
    const known = this.indexByKey.get(key);
    const start = this.used;
    for (let k = 0; k < inscriptions.length; k++) {
      const ins = inscriptions[k]!;
      if (known !== undefined && this.has(known, ins)) continue;
      this.push(this.etapeId(ins.etape), ins.year, this.encodeStatus(ins.status));
    }
    if (known !== undefined) {
      if (listeRouge) this.red[known] = 1;
      if (this.used > start) {
        const runs = this.more.get(known);
        if (runs) runs.push(start, this.used);
        else this.more.set(known, [start, this.used]);
      }
      this.listener?.(this, known, start, this.used);
      return known;
    }
    const i = this.keyList.length;
    if (i === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.red = grow(this.red);
    }
    this.keyList.push(key);
    this.indexByKey.set(key, i);
    this.red[i] = listeRouge ? 1 : 0;
    this.starts[i] = start;
    this.ends[i] = this.used;
    this.listener?.(this, i, start, this.used);
    return i;
  }

  /** Student i's inscriptions stored in [from, to) of `packed` (what a listener was told of). */
  forEachInscriptionIn(from: number, to: number, fn: (etapeId: number, year: number, status: string | undefined) => void): void {
    const p = this.packed;
    for (let q = from; q < to; q += 3) fn(p[q]!, p[q + 1]!, this.decodeStatus(p[q + 2]!));
  }

  /** Calls fn for each inscription of student i: its étape id, year and status (undefined: in force, as LDAP publishes). */
  forEachInscription(i: number, fn: (etapeId: number, year: number, status: string | undefined) => void): void {
    const p = this.packed;
    for (let q = this.starts[i]!, end = this.ends[i]!; q < end; q += 3) fn(p[q]!, p[q + 1]!, this.decodeStatus(p[q + 2]!));
    const runs = this.more.get(i);
    if (runs) for (let r = 0; r < runs.length; r += 2) for (let q = runs[r]!; q < runs[r + 1]!; q += 3) fn(p[q]!, p[q + 1]!, this.decodeStatus(p[q + 2]!));
  }

  student(i: number): RosterStudent {
    const inscriptions: RosterStudent['inscriptions'] = [];
    this.forEachInscription(i, (e, year, status) => inscriptions.push(status === undefined ? { year, etape: this.codes[e]! } : { year, etape: this.codes[e]!, status }));
    return { key: this.keyList[i]!, listeRouge: this.red[i] === 1, inscriptions };
  }

  *students(): IterableIterator<RosterStudent> {
    for (let i = 0; i < this.size; i++) yield this.student(i);
  }

  static from(students: Iterable<{ key: string; listeRouge?: boolean; inscriptions: ReadonlyArray<Pick<Inscription, 'year' | 'etape' | 'status'>> }>, into = new Roster()): Roster {
    for (const s of students) into.add(s.key, s.listeRouge ?? false, s.inscriptions);
    return into;
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
    if (this.used + 3 > this.packed.length) this.packed = grow(this.packed);
    this.packed[this.used++] = a;
    this.packed[this.used++] = b;
    this.packed[this.used++] = c;
  }
}

function grow<T extends Int32Array | Uint8Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
