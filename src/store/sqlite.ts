/** The SQLite store (better-sqlite3): one file, WAL mode, migrations in code. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Row, serializeReasons, toAudit, toHeld, toJournal, toRun } from './rows';
import { StoreError } from './types';
import type { AuditEntry, HeldPlan, JournalEntry, RunRecord, Store } from './types';
import { ErasureCounts, ErasureTx, erase, purgeOlderThan } from './erasure';
import { CONFIRMATIONS_DDL, ConsumeResult, StoredConfirmation, consumeConfirmation } from './confirmations';

const MIGRATIONS: string[] = [
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY, status TEXT NOT NULL, trigger TEXT NOT NULL, scope TEXT NOT NULL,
     started_at TEXT NOT NULL, finished_at TEXT, duration_ms INTEGER, directory_students INTEGER,
     directory_complete INTEGER, guard TEXT NOT NULL, platforms TEXT NOT NULL);
   CREATE INDEX runs_started ON runs(started_at);
   CREATE TABLE journal (
     id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, platform TEXT NOT NULL,
     cohort_idnumber TEXT NOT NULL, student_key TEXT, moodle_user_id INTEGER, action TEXT NOT NULL,
     reason TEXT NOT NULL, at TEXT NOT NULL);
   CREATE INDEX journal_student ON journal(student_key, at);
   CREATE INDEX journal_cohort ON journal(platform, cohort_idnumber, at);
   CREATE INDEX journal_at ON journal(at);
   CREATE TABLE held_plans (
     run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL, removals TEXT NOT NULL,
     reasons TEXT NOT NULL, decided_by TEXT, decided_at TEXT);
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, channel TEXT NOT NULL,
     command TEXT NOT NULL, platform TEXT, course TEXT, target TEXT, outcome TEXT NOT NULL, detail TEXT);
   CREATE INDEX audit_at ON audit(at);
   CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);
   CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Keys seen once within a window (Slack request replays), shared by replicas.
  `CREATE TABLE once_keys (key TEXT PRIMARY KEY, expires_at TEXT NOT NULL);
   CREATE INDEX once_keys_expiry ON once_keys(expires_at);`,
  CONFIRMATIONS_DDL,
];

export { StoreError };

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    try {
      this.db = new Database(file, { timeout: 5000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
        throw new StoreError(`the store ${file} is not a valid SQLite database (corrupted?). Nothing was changed; restore it from a backup or move it aside to start a new one.`);
      }
      if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') throw new StoreError(`the store ${file} is locked by another process; try again when it is done`);
      if (e.code === 'SQLITE_CANTOPEN' || e.code === 'SQLITE_READONLY') throw new StoreError(`cannot open the store ${file} for writing (${e.code}); check DATABASE_URL and the directory's permissions`);
      throw new StoreError(`cannot open the store ${file}: ${e.message}`);
    }
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > MIGRATIONS.length) throw new StoreError(`the store was written by a newer cohortbot (schema ${current}, this one knows ${MIGRATIONS.length})`);
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
      })();
    }
  }

  async saveRun(run: RunRecord): Promise<void> {
    this.saveRunNow(run);
  }

  async recordApproval(run: RunRecord, heldRunId: string, by: string, at: string): Promise<boolean> {
    return this.db.transaction(() => {
      const won = this.db.prepare(`UPDATE held_plans SET status = 'approved', decided_by = ?, decided_at = ? WHERE run_id = ? AND status = 'held'`).run(by, at, heldRunId).changes === 1;
      if (!won) return false;
      this.db.prepare(`UPDATE runs SET status = 'applied' WHERE run_id = ? AND status = 'held'`).run(heldRunId);
      this.saveRunNow(run);
      return true;
    })();
  }

  private saveRunNow(run: RunRecord): void {
    this.db
      .prepare(
        `INSERT INTO runs (run_id, status, trigger, scope, started_at, finished_at, duration_ms, directory_students, directory_complete, guard, platforms)
         VALUES (@runId, @status, @trigger, @scope, @startedAt, @finishedAt, @durationMs, @directoryStudents, @directoryComplete, @guard, @platforms)
         ON CONFLICT(run_id) DO UPDATE SET status=excluded.status, finished_at=excluded.finished_at, duration_ms=excluded.duration_ms,
           directory_students=excluded.directory_students, directory_complete=excluded.directory_complete, guard=excluded.guard, platforms=excluded.platforms`,
      )
      .run({
        ...run,
        finishedAt: run.finishedAt ?? null,
        durationMs: run.durationMs ?? null,
        directoryStudents: run.directoryStudents ?? null,
        directoryComplete: run.directoryComplete === undefined ? null : Number(run.directoryComplete),
        guard: serializeReasons(run.guardReasons, run.guard),
        platforms: JSON.stringify(run.platforms),
      });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as Row | undefined;
    return r ? toRun(r) : undefined;
  }

  async lastRuns(limit: number): Promise<RunRecord[]> {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]).map(toRun);
  }

  async lastGoodRun(): Promise<RunRecord | undefined> {
    const r = this.db
      .prepare(`SELECT * FROM runs WHERE status IN ('applied','held') AND scope = 'all' AND directory_complete = 1 ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get() as Row | undefined;
    return r ? toRun(r) : undefined;
  }

  async journal(entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const insert = this.db.prepare(
      'INSERT INTO journal (run_id, platform, cohort_idnumber, student_key, moodle_user_id, action, reason, at) VALUES (@runId, @platform, @cohortIdnumber, @studentKey, @moodleUserId, @action, @reason, @at)',
    );
    this.db.transaction((rows: JournalEntry[]) => {
      for (const e of rows) insert.run({ ...e, studentKey: e.studentKey ?? null, moodleUserId: e.moodleUserId ?? null });
    })(entries);
  }

  async studentHistory(key: string, limit = 200): Promise<JournalEntry[]> {
    return (this.db.prepare('SELECT * FROM journal WHERE student_key = ? ORDER BY at DESC, id DESC LIMIT ?').all(key, limit) as Row[]).map(toJournal);
  }

  async cohortHistory(platform: string, cohortIdnumber: string, limit = 200): Promise<JournalEntry[]> {
    return (this.db.prepare('SELECT * FROM journal WHERE platform = ? AND cohort_idnumber = ? ORDER BY at DESC, id DESC LIMIT ?').all(platform, cohortIdnumber, limit) as Row[]).map(toJournal);
  }

  async saveHeldPlan(plan: HeldPlan): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO held_plans (run_id, created_at, status, removals, reasons, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(plan.runId, plan.createdAt, plan.status, JSON.stringify(plan.removals), serializeReasons(plan.reasonCodes, plan.reasons), plan.decidedBy ?? null, plan.decidedAt ?? null);
  }

  async getHeldPlan(runId: string): Promise<HeldPlan | undefined> {
    const r = this.db.prepare('SELECT * FROM held_plans WHERE run_id = ?').get(runId) as Row | undefined;
    return r ? toHeld(r) : undefined;
  }

  async heldPlans(): Promise<HeldPlan[]> {
    return (this.db.prepare(`SELECT * FROM held_plans WHERE status = 'held' ORDER BY created_at`).all() as Row[]).map(toHeld);
  }

  /** Only a held plan can be decided, once: a second click or a concurrent approve gets false. */
  async decideHeldPlan(runId: string, status: 'approved' | 'rejected' | 'superseded', by: string, at: string): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.db.prepare(`UPDATE held_plans SET status = ?, decided_by = ?, decided_at = ? WHERE run_id = ? AND status = 'held'`).run(status, by, at, runId);
      if (r.changes === 1) this.db.prepare(`UPDATE runs SET status = 'applied' WHERE run_id = ? AND status = 'held'`).run(runId);
      return r.changes === 1;
    })();
  }

  async audit(e: AuditEntry): Promise<void> {
    this.db
      .prepare('INSERT INTO audit (at, actor, channel, command, platform, course, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.actor, e.channel, e.command, e.platform ?? null, e.course ?? null, e.target ?? null, e.outcome, e.detail ?? null);
  }

  async auditEntries(limit: number): Promise<AuditEntry[]> {
    return (this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(toAudit);
  }

  async acquireLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const expires = new Date(now.getTime() + ttlMs).toISOString();
    // One statement, so two processes cannot both see the lease free (SQLite serialises writers).
    const r = this.db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
      )
      .run(name, holder, expires, now.toISOString());
    return r.changes === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  async leaseHolder(name: string, now: Date): Promise<{ holder: string; expiresAt: string } | undefined> {
    const r = this.db.prepare('SELECT holder, expires_at FROM leases WHERE name = ? AND expires_at > ?').get(name, now.toISOString()) as { holder: string; expires_at: string } | undefined;
    return r ? { holder: r.holder, expiresAt: r.expires_at } : undefined;
  }

  async getState(key: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async purge(before: Date): Promise<number> {
    return this.inTransaction((tx) => purgeOlderThan(tx, before));
  }

  async forget(identifiers: string[]): Promise<ErasureCounts> {
    return this.inTransaction((tx) => erase(tx, identifiers));
  }

  async saveConfirmation(c: StoredConfirmation): Promise<void> {
    this.db.prepare('INSERT INTO confirmations (id, actor, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(c.id, c.actor, c.body, c.createdAt, c.expiresAt);
  }

  async consumeConfirmation(id: string | undefined, actor: string, now: Date): Promise<ConsumeResult> {
    return this.inTransaction((tx) => consumeConfirmation(tx, id, actor, now));
  }

  async rememberOnce(key: string, until: Date, now: Date): Promise<boolean> {
    this.db.prepare('DELETE FROM once_keys WHERE expires_at < ?').run(now.toISOString());
    return this.db.prepare('INSERT INTO once_keys (key, expires_at) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(key, until.toISOString()).changes === 1;
  }

  /**
   * Several statements as one: better-sqlite3 is synchronous, so nothing else on this connection runs
   * between them; BEGIN IMMEDIATE takes the write lock up front against other processes.
   */
  private queue: Promise<unknown> = Promise.resolve();

  private inTransaction<T>(fn: (tx: ErasureTx) => Promise<T>): Promise<T> {
    // One connection: transactions of this process run one after the other (their steps are async).
    const next = this.queue.then(() => this.transaction(fn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async transaction<T>(fn: (tx: ErasureTx) => Promise<T>): Promise<T> {
    const tx: ErasureTx = {
      all: async (sql, params) => this.db.prepare(sql).all(...(params as never[])) as Row[],
      run: async (sql, params) => this.db.prepare(sql).run(...(params as never[])).changes,
    };
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = await fn(tx);
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
