/**
 * In-memory tables with secondary indexes and an undo log, so that a web-service call can run in a
 * "delegated transaction" and be rolled back whole, as Moodle does on an exception.
 */
export interface Row {
  id: number;
}

type Undo = () => void;

export class UndoLog {
  private stack: Undo[][] = [];
  /** Counts recorded changes, so callers can tell whether a call wrote anything. */
  changes = 0;

  get active(): boolean {
    return this.stack.length > 0;
  }

  record(undo: Undo): void {
    this.changes++;
    this.stack[this.stack.length - 1]?.push(undo);
  }

  /** Runs `fn`; on a throw every change made inside it is undone, then the error propagates. */
  transaction<T>(fn: () => T): T {
    this.stack.push([]);
    try {
      const result = fn();
      const done = this.stack.pop()!;
      // A nested transaction folds its undo steps into the outer one.
      this.stack[this.stack.length - 1]?.push(...done);
      return result;
    } catch (err) {
      const done = this.stack.pop()!;
      for (let i = done.length - 1; i >= 0; i--) done[i]!();
      throw err;
    }
  }
}

export class Table<R extends Row> {
  private readonly rows = new Map<number, R>();
  private readonly indexes = new Map<string, { key: (r: R) => string | number; map: Map<string | number, Set<number>> }>();
  /** Like a database sequence: ids are never handed out twice, even after a rollback. */
  nextId = 1;

  constructor(
    readonly name: string,
    private readonly undo: UndoLog,
  ) {}

  index(name: string, key: (r: R) => string | number): this {
    const map = new Map<string | number, Set<number>>();
    for (const r of this.rows.values()) addTo(map, key(r), r.id);
    this.indexes.set(name, { key, map });
    return this;
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: number): R | undefined {
    return this.rows.get(id);
  }

  all(): R[] {
    return [...this.rows.values()];
  }

  find(index: string, key: string | number): R[] {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no index ${index} on ${this.name}`);
    const ids = idx.map.get(key);
    return ids ? [...ids].map((id) => this.rows.get(id)!) : [];
  }

  first(index: string, key: string | number): R | undefined {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no index ${index} on ${this.name}`);
    const ids = idx.map.get(key);
    if (!ids) return undefined;
    for (const id of ids) return this.rows.get(id);
    return undefined;
  }

  filter(pred: (r: R) => boolean): R[] {
    return this.all().filter(pred);
  }

  insert(data: Omit<R, 'id'> & { id?: number }): R {
    const id = data.id ?? this.nextId;
    if (this.rows.has(id)) throw new Error(`${this.name}: duplicate id ${id}`);
    this.nextId = Math.max(this.nextId, id + 1);
    const row = { ...data, id } as R;
    this.put(row);
    this.undo.record(() => this.drop(id));
    return row;
  }

  update(id: number, patch: Partial<Omit<R, 'id'>>): R {
    const before = this.rows.get(id);
    if (!before) throw new Error(`${this.name}: no row ${id}`);
    const after = { ...before, ...patch } as R;
    this.drop(id);
    this.put(after);
    this.undo.record(() => {
      this.drop(id);
      this.put(before);
    });
    return after;
  }

  delete(id: number): void {
    const before = this.rows.get(id);
    if (!before) return;
    this.drop(id);
    this.undo.record(() => this.put(before));
  }

  /** Loads rows without recording undo steps (seeding, restoring a saved state). */
  load(rows: R[], nextId?: number): void {
    // A loop, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
    let next = Math.max(nextId ?? 1, this.nextId);
    for (const r of rows) {
      this.put(r);
      if (r.id + 1 > next) next = r.id + 1;
    }
    this.nextId = next;
  }

  private put(row: R): void {
    this.rows.set(row.id, row);
    for (const idx of this.indexes.values()) addTo(idx.map, idx.key(row), row.id);
  }

  private drop(id: number): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.rows.delete(id);
    for (const idx of this.indexes.values()) {
      const k = idx.key(row);
      const set = idx.map.get(k);
      set?.delete(id);
      if (set && set.size === 0) idx.map.delete(k);
    }
  }
}

function addTo(map: Map<string | number, Set<number>>, key: string | number, id: number): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}
