/**
 * The PostgreSQL store (`DATABASE_URL=postgres://…`): the same tables and queries as SQLite, so two
 * or more replicas share runs, journal, held plans, confirmations and the scheduler's lease.
 * Migrations run on first use, under an advisory lock so replicas starting together do not race.
 */
import { Pool } from 'pg';
import { Row, serializeReasons, toAudit, toHeld, toJournal, toRun } from './rows';
import type { AuditEntry, HeldPlan, JournalEntry, RunRecord, Store } from './types';
import { StoreError } from './types';
import { ErasureCounts, ErasureTx, erase, purgeOlderThan } from './erasure';
import { CONFIRMATIONS_DDL, ConsumeResult, StoredConfirmation, consumeConfirmation } from './confirmations';

const MIGRATIONS: string[] = [
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY, status TEXT NOT NULL, trigger TEXT NOT NULL, scope TEXT NOT NULL,
     started_at TEXT NOT NULL, finished_at TEXT, duration_ms INTEGER, directory_students INTEGER,
     directory_complete BOOLEAN, guard TEXT NOT NULL, platforms TEXT NOT NULL);
   CREATE INDEX runs_started ON runs(started_at);
   CREATE TABLE journal (
     id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, platform TEXT NOT NULL, cohort_idnumber TEXT NOT NULL,
     student_key TEXT, moodle_user_id INTEGER, action TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
   CREATE INDEX journal_student ON journal(student_key, at);
   CREATE INDEX journal_cohort ON journal(platform, cohort_idnumber, at);
   CREATE INDEX journal_at ON journal(at);
   CREATE TABLE held_plans (
     run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL, removals TEXT NOT NULL,
     reasons TEXT NOT NULL, decided_by TEXT, decided_at TEXT);
   CREATE TABLE audit (
     id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, channel TEXT NOT NULL, command TEXT NOT NULL,
     platform TEXT, course TEXT, target TEXT, outcome TEXT NOT NULL, detail TEXT);
   CREATE INDEX audit_at ON audit(at);
   CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);
   CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  `CREATE TABLE once_keys (key TEXT PRIMARY KEY, expires_at TEXT NOT NULL);
   CREATE INDEX once_keys_expiry ON once_keys(expires_at);`,
  CONFIRMATIONS_DDL,
];


export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private ready?: Promise<void>;

  constructor(url: string) {
    this.pool = new Pool({ connectionString: url, max: 5 });
    // An idle client's connection dropped: the pool replaces it; say so rather than crash or hide it.
    this.pool.on('error', (err) => process.stderr.write(`cohortbot: PostgreSQL pool error: ${maskUrl(err.message)}\n`));
  }

  private async q(sql: string, params: unknown[] = []): Promise<Row[]> {
    this.ready ??= this.migrate();
    await this.ready;
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect().catch((err: Error) => {
      throw new StoreError(`cannot connect to the PostgreSQL store: ${maskUrl(err.message)} (check DATABASE_URL)`);
    });
    try {
      await client.query('SELECT pg_advisory_lock(4242001)');
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const current = Number((await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version')).rows[0].v);
      if (current > MIGRATIONS.length) throw new StoreError(`the store was written by a newer cohortbot (schema ${current}, this one knows ${MIGRATIONS.length})`);
      for (let v = current; v < MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[v]!);
          await client.query('INSERT INTO schema_version (version) VALUES ($1)', [v + 1]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new StoreError(`store migration ${v + 1} failed and was rolled back: ${(err as Error).message}`);
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(4242001)').catch(() => undefined);
      client.release();
    }
  }

  async saveRun(run: RunRecord): Promise<void> {
    await this.inTransaction((tx) => upsertRun(tx, run));
  }

  async recordApproval(run: RunRecord, heldRunId: string, by: string, at: string): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const won = (await tx.run(`UPDATE held_plans SET status = 'approved', decided_by = ?, decided_at = ? WHERE run_id = ? AND status = 'held'`, [by, at, heldRunId])) === 1;
      if (!won) return false;
      await tx.run(`UPDATE runs SET status = 'applied' WHERE run_id = ? AND status = 'held'`, [heldRunId]);
      await upsertRun(tx, run);
      return true;
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [r] = await this.q('SELECT * FROM runs WHERE run_id = $1', [runId]);
    return r ? toRun(r) : undefined;
  }

  async lastRuns(limit: number): Promise<RunRecord[]> {
    return (await this.q('SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $1', [limit])).map(toRun);
  }

  async lastGoodRun(): Promise<RunRecord | undefined> {
    const [r] = await this.q(`SELECT * FROM runs WHERE status IN ('applied','held') AND scope = 'all' AND directory_complete ORDER BY started_at DESC LIMIT 1`);
    return r ? toRun(r) : undefined;
  }

  async journal(entries: JournalEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) {
      const chunk = entries.slice(i, i + 500);
      const values: unknown[] = [];
      const rows = chunk.map((e, k) => {
        values.push(e.runId, e.platform, e.cohortIdnumber, e.studentKey ?? null, e.moodleUserId ?? null, e.action, e.reason, e.at);
        return `($${k * 8 + 1},$${k * 8 + 2},$${k * 8 + 3},$${k * 8 + 4},$${k * 8 + 5},$${k * 8 + 6},$${k * 8 + 7},$${k * 8 + 8})`;
      });
      await this.q(`INSERT INTO journal (run_id, platform, cohort_idnumber, student_key, moodle_user_id, action, reason, at) VALUES ${rows.join(',')}`, values);
    }
  }

  async studentHistory(key: string, limit = 200): Promise<JournalEntry[]> {
    return (await this.q('SELECT * FROM journal WHERE student_key = $1 ORDER BY at DESC, id DESC LIMIT $2', [key, limit])).map(toJournal);
  }

  async cohortHistory(platform: string, cohortIdnumber: string, limit = 200): Promise<JournalEntry[]> {
    return (await this.q('SELECT * FROM journal WHERE platform = $1 AND cohort_idnumber = $2 ORDER BY at DESC, id DESC LIMIT $3', [platform, cohortIdnumber, limit])).map(toJournal);
  }

  async saveHeldPlan(plan: HeldPlan): Promise<void> {
    await this.q(
      `INSERT INTO held_plans (run_id, created_at, status, removals, reasons, decided_by, decided_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (run_id) DO UPDATE SET status=EXCLUDED.status, removals=EXCLUDED.removals, reasons=EXCLUDED.reasons, decided_by=EXCLUDED.decided_by, decided_at=EXCLUDED.decided_at`,
      [plan.runId, plan.createdAt, plan.status, JSON.stringify(plan.removals), serializeReasons(plan.reasonCodes, plan.reasons), plan.decidedBy ?? null, plan.decidedAt ?? null],
    );
  }

  async getHeldPlan(runId: string): Promise<HeldPlan | undefined> {
    const [r] = await this.q('SELECT * FROM held_plans WHERE run_id = $1', [runId]);
    return r ? toHeld(r) : undefined;
  }

  async heldPlans(): Promise<HeldPlan[]> {
    return (await this.q(`SELECT * FROM held_plans WHERE status = 'held' ORDER BY created_at`)).map(toHeld);
  }

  async decideHeldPlan(runId: string, status: 'approved' | 'rejected' | 'superseded', by: string, at: string): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const won = (await tx.run(`UPDATE held_plans SET status = ?, decided_by = ?, decided_at = ? WHERE run_id = ? AND status = 'held'`, [status, by, at, runId])) === 1;
      if (won) await tx.run(`UPDATE runs SET status = 'applied' WHERE run_id = ? AND status = 'held'`, [runId]);
      return won;
    });
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.q('INSERT INTO audit (at, actor, channel, command, platform, course, target, outcome, detail) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)', [e.at, e.actor, e.channel, e.command, e.platform ?? null, e.course ?? null, e.target ?? null, e.outcome, e.detail ?? null]);
  }

  async auditEntries(limit: number): Promise<AuditEntry[]> {
    return (await this.q('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [limit])).map(toAudit);
  }

  /** One statement: of two replicas asking at once, exactly one gets the row. */
  async acquireLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const expires = new Date(now.getTime() + ttlMs).toISOString();
    const rows = await this.q(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= $4
       RETURNING name`,
      [name, holder, expires, now.toISOString()],
    );
    return rows.length === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.q('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async leaseHolder(name: string, now: Date): Promise<{ holder: string; expiresAt: string } | undefined> {
    const [r] = await this.q('SELECT holder, expires_at FROM leases WHERE name = $1 AND expires_at > $2', [name, now.toISOString()]);
    return r ? { holder: r.holder as string, expiresAt: r.expires_at as string } : undefined;
  }

  async getState(key: string): Promise<string | undefined> {
    const [r] = await this.q('SELECT value FROM state WHERE key = $1', [key]);
    return r ? (r.value as string) : undefined;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.q('INSERT INTO state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }

  async purge(before: Date): Promise<number> {
    return this.inTransaction((tx) => purgeOlderThan(tx, before));
  }

  async forget(identifiers: string[]): Promise<ErasureCounts> {
    return this.inTransaction((tx) => erase(tx, identifiers));
  }

  async saveConfirmation(c: StoredConfirmation): Promise<void> {
    await this.q('INSERT INTO confirmations (id, actor, body, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [c.id, c.actor, c.body, c.createdAt, c.expiresAt]);
  }

  async consumeConfirmation(id: string | undefined, actor: string, now: Date): Promise<ConsumeResult> {
    return this.inTransaction((tx) => consumeConfirmation(tx, id, actor, now));
  }

  async rememberOnce(key: string, until: Date, now: Date): Promise<boolean> {
    await this.q('DELETE FROM once_keys WHERE expires_at < $1', [now.toISOString()]);
    return (await this.q('INSERT INTO once_keys (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key', [key, until.toISOString()])).length === 1;
  }

  /** Several statements on one connection between BEGIN and COMMIT; `?` placeholders numbered for pg. */
  private async inTransaction<T>(fn: (tx: ErasureTx) => Promise<T>): Promise<T> {
    this.ready ??= this.migrate();
    await this.ready;
    const client = await this.pool.connect();
    const numbered = (sql: string) => {
      let i = 0;
      return sql.replace(/\?/g, () => `$${++i}`);
    };
    const tx: ErasureTx = {
      all: async (sql, params) => (await client.query(numbered(sql), params)).rows as Row[],
      run: async (sql, params) => (await client.query(numbered(sql), params)).rowCount ?? 0,
    };
    try {
      await client.query('BEGIN');
      const out = await fn(tx);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A connection string's password never reaches a log or an error message. */
export function maskUrl(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}

async function upsertRun(tx: ErasureTx, run: RunRecord): Promise<void> {
  await tx.run(
    `INSERT INTO runs (run_id, status, trigger, scope, started_at, finished_at, duration_ms, directory_students, directory_complete, guard, platforms)
     VALUES (?,?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT (run_id) DO UPDATE SET status=EXCLUDED.status, finished_at=EXCLUDED.finished_at, duration_ms=EXCLUDED.duration_ms,
       directory_students=EXCLUDED.directory_students, directory_complete=EXCLUDED.directory_complete, guard=EXCLUDED.guard, platforms=EXCLUDED.platforms`,
    [run.runId, run.status, run.trigger, run.scope, run.startedAt, run.finishedAt ?? null, run.durationMs ?? null, run.directoryStudents ?? null, run.directoryComplete ?? null, serializeReasons(run.guardReasons, run.guard), JSON.stringify(run.platforms)],
  );
}
