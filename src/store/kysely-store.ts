/**
 * The store, once, on Kysely: the same typed queries and transactions on SQLite (better-sqlite3, one
 * file) and PostgreSQL (pg, shared by replicas). The dialect is only a constructor argument; every
 * multi-statement operation is a transaction on both; migrations run through Kysely's Migrator under
 * its own lock, so replicas starting together do not race.
 */
import { Kysely, Migrator, RawBuilder, Transaction, sql } from 'kysely';
import type { Dialect as KyselyDialect } from 'kysely';
import { ConsumeResult, StoredConfirmation, consumeConfirmation } from './confirmations';
import { ErasureCounts, ErasureTx, erase, purgeOlderThan } from './erasure';
import { NoticeQueue, noticeQueue } from './notices';
import { Row, serializeJournalReason, serializeReasons, toAudit, toHeld, toJournal, toRun } from './rows';
import { Database, Dialect, migrationProvider } from './schema';
import { AuditEntry, HeldPlan, JournalAction, JournalEntry, MoodleKey, RunRecord, Store, StoreError } from './types';

import { StoreUnavailableError, classify, guardDialect } from './unavailable';
import { maskUrl } from '../util/mask-url';

/** A statement written with `?` placeholders (the shared erasure and confirmation SQL), as a Kysely raw query. */
function raw(text: string, params: unknown[]): RawBuilder<Row> {
  const parts = text.split('?');
  if (parts.length !== params.length + 1) throw new Error(`placeholders and parameters differ in: ${text.slice(0, 80)}`);
  return sql<Row>(Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray, ...params);
}

const txOf = (db: Kysely<Database> | Transaction<Database>): ErasureTx => ({
  all: async (text, params) => (await raw(text, params).execute(db)).rows,
  run: async (text, params) => Number((await raw(text, params).execute(db)).numAffectedRows ?? 0),
});

export class KyselyStore implements Store {
  private ready?: Promise<void>;
  readonly notices: NoticeQueue = noticeQueue(() => this.q());

  constructor(
    readonly kind: Dialect,
    protected readonly db: Kysely<Database>,
    private readonly describe: string,
  ) {}


  static kysely(dialect: KyselyDialect): Kysely<Database> {
    return new Kysely<Database>({ dialect: guardDialect(dialect) });
  }

  /**
   * Migrates on first use; an error rolls the migration back and says what to do. A database that is
   * not there yet (restarting) is asked again by the next query, not given up on for good.
   */
  protected async q(): Promise<Kysely<Database>> {
    this.ready ??= (async () => {
      const { error, results } = await new Migrator({ db: this.db, provider: migrationProvider(this.kind) }).migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error || failed) {
        const detail = maskUrl(error instanceof Error ? error.message : String(error ?? failed?.migrationName));
        if (classify(error) instanceof StoreUnavailableError) throw new StoreUnavailableError(`cannot reach the store ${this.describe}: ${detail} (check DATABASE_URL, or try again when the database is up)`);
        if (/password authentication|does not exist/i.test(detail)) throw new StoreError(`cannot connect to the store ${this.describe}: ${detail} (check DATABASE_URL)`);
        throw new StoreError(`the store ${this.describe} could not be migrated (rolled back): ${detail}`);
      }
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
    return this.db;
  }

  private async tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return (await this.q()).transaction().execute(fn);
  }

  async saveRun(run: RunRecord): Promise<void> {
    await upsertRun(await this.q(), run, this.kind);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const r = await (await this.q()).selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return r ? toRun(r as Row) : undefined;
  }

  async lastRuns(limit: number): Promise<RunRecord[]> {
    const rows = await (await this.q()).selectFrom('runs').selectAll().orderBy('started_at', 'desc').orderBy('run_id', 'desc').limit(limit).execute();
    return rows.map((r) => toRun(r as Row));
  }

  async lastGoodRun(): Promise<RunRecord | undefined> {
    const r = await (await this.q())
      .selectFrom('runs')
      .selectAll()
      .where('status', 'in', ['applied', 'held'])
      .where('scope', '=', 'all')
      .where('directory_complete', '=', this.kind === 'sqlite' ? 1 : true)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? toRun(r as Row) : undefined;
  }

  async journal(entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.tx(async (trx) => {
      for (let i = 0; i < entries.length; i += JOURNAL_CHUNK) {
        const rows = entries.slice(i, i + JOURNAL_CHUNK).map((e) => [e.runId, e.platform, e.cohortIdnumber, e.studentKey ?? null, e.moodleUserId ?? null, e.action, serializeJournalReason(e.reason), e.at]);
        await insertJournalRows(JSON.stringify(rows), this.kind).execute(trx);
      }
    });
  }

  async latestActions(platform: string, pairs: Array<{ cohortIdnumber: string; studentKey: string }>): Promise<Array<JournalAction | undefined>> {
    const out = new Map<string, JournalAction>();
    const pairKey = (cohort: string, student: string) => `${cohort}\n${student}`;
    const wanted = new Set(pairs.map((p) => pairKey(p.cohortIdnumber, p.studentKey)));
    const keys = [...new Set(pairs.map((p) => p.studentKey))];
    const latest = new Map<string, number>();
    // By student (the journal_student index), in chunks well under both dialects' parameter limits.
    for (let i = 0; i < keys.length; i += 500) {
      // Only student_key in the WHERE: with platform too, SQLite prefers the (platform, cohort) index and scans the platform.
      const rows = await (await this.q()).selectFrom('journal').select(['id', 'platform', 'cohort_idnumber', 'student_key', 'action']).where('student_key', 'in', keys.slice(i, i + 500)).execute();
      for (const r of rows) {
        const k = pairKey(r.cohort_idnumber, r.student_key ?? '');
        if (r.platform !== platform || !wanted.has(k) || (latest.get(k) ?? -1) > Number(r.id)) continue;
        latest.set(k, Number(r.id));
        out.set(k, r.action as JournalAction);
      }
    }
    return pairs.map((p) => out.get(pairKey(p.cohortIdnumber, p.studentKey)));
  }

  async pendingPairs(platform: string): Promise<Array<{ cohortIdnumber: string; studentKey: string }>> {
    const rows = await (await this.q()).selectFrom('journal').select(['cohort_idnumber', 'student_key']).distinct().where('platform', '=', platform)
      // A literal, not a parameter: the planner then knows the partial index journal_pending_rows holds exactly these rows.
      .where('action', '=', sql.lit('pending'))
      .execute();
    const pairs = rows.filter((r) => r.student_key !== null).map((r) => ({ cohortIdnumber: r.cohort_idnumber, studentKey: r.student_key! }));
    // Only those still pending: an add (or removal) journalled later says otherwise.
    const latest = await this.latestActions(platform, pairs);
    return pairs.filter((_p, i) => latest[i] === 'pending');
  }

  async studentHistory(key: string, limit = 200): Promise<JournalEntry[]> {
    const rows = await (await this.q()).selectFrom('journal').selectAll().where('student_key', '=', key).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => toJournal(r as Row));
  }

  async cohortHistory(platform: string, cohortIdnumber: string, limit = 200): Promise<JournalEntry[]> {
    const rows = await (await this.q()).selectFrom('journal').selectAll().where('platform', '=', platform).where('cohort_idnumber', '=', cohortIdnumber).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => toJournal(r as Row));
  }

  async saveHeldPlan(plan: HeldPlan): Promise<void> {
    const row = { run_id: plan.runId, created_at: plan.createdAt, status: plan.status, removals: JSON.stringify(plan.removals), reasons: serializeReasons(plan.reasonCodes), decided_by: plan.decidedBy ?? null, decided_at: plan.decidedAt ?? null };
    await (await this.q())
      .insertInto('held_plans')
      .values(row)
      .onConflict((oc) => oc.column('run_id').doUpdateSet({ status: row.status, removals: row.removals, reasons: row.reasons, decided_by: row.decided_by, decided_at: row.decided_at }))
      .execute();
  }

  async getHeldPlan(runId: string): Promise<HeldPlan | undefined> {
    const r = await (await this.q()).selectFrom('held_plans').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return r ? toHeld(r as Row) : undefined;
  }

  async heldPlans(): Promise<HeldPlan[]> {
    const rows = await (await this.q()).selectFrom('held_plans').selectAll().where('status', '=', 'held').orderBy('created_at').execute();
    return rows.map((r) => toHeld(r as Row));
  }

  /** Only a held plan can be decided, once; its run stops being held in the same transaction. */
  async decideHeldPlan(runId: string, status: 'approved' | 'rejected' | 'superseded', by: string, at: string): Promise<boolean> {
    return this.tx(async (trx) => decide(trx, runId, status, by, at));
  }

  async recordApproval(run: RunRecord, heldRunId: string, by: string, at: string): Promise<boolean> {
    return this.tx(async (trx) => {
      if (!(await decide(trx, heldRunId, 'approved', by, at))) return false;
      await upsertRun(trx, run, this.kind);
      return true;
    });
  }

  async audit(e: AuditEntry): Promise<void> {
    await (await this.q())
      .insertInto('audit')
      .values({ at: e.at, actor: e.actor, channel: e.channel, command: e.command, platform: e.platform ?? null, course: e.course ?? null, target: e.target ?? null, outcome: e.outcome, detail: e.detail ?? null })
      .execute();
  }

  async auditEntries(limit: number): Promise<AuditEntry[]> {
    const rows = await (await this.q()).selectFrom('audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => toAudit(r as Row));
  }

  /** One statement, so two processes cannot both see the lease free. */
  async acquireLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const expires = new Date(now.getTime() + ttlMs).toISOString();
    const r = await (await this.q())
      .insertInto('leases')
      .values({ name, holder, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder: (eb) => eb.ref('excluded.holder'), expires_at: (eb) => eb.ref('excluded.expires_at') })
          .where((eb) => eb.or([eb('leases.holder', '=', eb.ref('excluded.holder')), eb('leases.expires_at', '<=', now.toISOString())])),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async renewLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const r = await (await this.q()).updateTable('leases').set({ expires_at: new Date(now.getTime() + ttlMs).toISOString() }).where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await (await this.q()).deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  async leaseHolder(name: string, now: Date): Promise<{ holder: string; expiresAt: string } | undefined> {
    const r = await (await this.q()).selectFrom('leases').select(['holder', 'expires_at']).where('name', '=', name).where('expires_at', '>', now.toISOString()).executeTakeFirst();
    return r ? { holder: r.holder, expiresAt: r.expires_at } : undefined;
  }

  async moodleKeys(platform: string, field: string): Promise<MoodleKey[]> {
    const rows = await (await this.q()).selectFrom('moodle_keys').select(['user_id', 'key', 'checked_at']).where('platform', '=', platform).where('field', '=', field).execute();
    return rows.map((r) => ({ userId: Number(r.user_id), key: r.key, checkedAt: r.checked_at }));
  }

  async saveMoodleKeys(platform: string, field: string, entries: Array<{ userId: number; key: string }>, at: string): Promise<void> {
    if (entries.length === 0) return;
    await this.tx(async (trx) => {
      // Chunks keep each statement under SQLite's and PostgreSQL's parameter limits.
      for (let i = 0; i < entries.length; i += 500) {
        const rows = entries.slice(i, i + 500).map((e) => ({ platform, field, user_id: e.userId, key: e.key, checked_at: at }));
        await trx
          .insertInto('moodle_keys')
          .values(rows)
          .onConflict((oc) => oc.columns(['platform', 'field', 'user_id']).doUpdateSet((eb) => ({ key: eb.ref('excluded.key'), checked_at: eb.ref('excluded.checked_at') })))
          .execute();
      }
    });
  }

  async dropMoodleKeys(platform: string, userIds?: number[]): Promise<number> {
    const db = await this.q();
    if (userIds === undefined) return Number((await db.deleteFrom('moodle_keys').where('platform', '=', platform).executeTakeFirst()).numDeletedRows);
    let n = 0;
    for (let i = 0; i < userIds.length; i += 500) {
      n += Number((await db.deleteFrom('moodle_keys').where('platform', '=', platform).where('user_id', 'in', userIds.slice(i, i + 500)).executeTakeFirst()).numDeletedRows);
    }
    return n;
  }

  async getState(key: string): Promise<string | undefined> {
    return (await (await this.q()).selectFrom('state').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await (await this.q())
      .insertInto('state')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async purge(before: Date): Promise<number> {
    return this.tx((trx) => purgeOlderThan(txOf(trx), before));
  }

  async forget(identifiers: string[]): Promise<ErasureCounts> {
    return this.tx((trx) => erase(txOf(trx), identifiers));
  }

  async rememberOnce(key: string, until: Date, now: Date): Promise<boolean> {
    return this.tx(async (trx) => {
      await trx.deleteFrom('once_keys').where('expires_at', '<', now.toISOString()).execute();
      const r = await trx.insertInto('once_keys').values({ key, expires_at: until.toISOString() }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    });
  }

  async saveConfirmation(c: StoredConfirmation): Promise<void> {
    await (await this.q()).insertInto('confirmations').values({ id: c.id, actor: c.actor, body: c.body, created_at: c.createdAt, expires_at: c.expiresAt, used_at: null }).execute();
  }

  async consumeConfirmation(id: string | undefined, actor: string, now: Date): Promise<ConsumeResult> {
    return this.tx((trx) => consumeConfirmation(txOf(trx), id, actor, now));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

async function decide(trx: Transaction<Database>, runId: string, status: string, by: string, at: string): Promise<boolean> {
  const r = await trx.updateTable('held_plans').set({ status, decided_by: by, decided_at: at }).where('run_id', '=', runId).where('status', '=', 'held').executeTakeFirst();
  const won = Number(r.numUpdatedRows) === 1;
  if (won) await trx.updateTable('runs').set({ status: 'applied' }).where('run_id', '=', runId).where('status', '=', 'held').execute();
  return won;
}

async function upsertRun(db: Kysely<Database> | Transaction<Database>, run: RunRecord, kind: Dialect): Promise<void> {
  const complete = run.directoryComplete === undefined ? null : kind === 'sqlite' ? Number(run.directoryComplete) : run.directoryComplete;
  const row = {
    run_id: run.runId,
    status: run.status,
    trigger: run.trigger,
    scope: run.scope,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
    duration_ms: run.durationMs ?? null,
    directory_students: run.directoryStudents ?? null,
    directory_complete: complete,
    guard: serializeReasons(run.guardReasons),
    platforms: JSON.stringify(run.platforms),
  };
  const { run_id: _id, trigger: _t, scope: _s, started_at: _st, ...update } = row;
  await db.insertInto('runs').values(row).onConflict((oc) => oc.column('run_id').doUpdateSet(update)).execute();
}

/** Rows per journal statement: one JSON text each (no parameter limit applies), kept under V8's large-object size so that it dies young. */
const JOURNAL_CHUNK = 500;

/**
 * Journal rows as one statement with one parameter, a JSON array of rows in column order: a statement
 * per row (or 4,000 bound values per 500 rows) made a first sync's journal a second of query building
 * and garbage. Rows are inserted in array order, so ids keep the order of the changes.
 */
function insertJournalRows(json: string, dialect: Dialect): RawBuilder<unknown> {
  const columns = sql`INSERT INTO journal (run_id, platform, cohort_idnumber, student_key, moodle_user_id, action, reason, at)`;
  if (dialect === 'sqlite') {
    return sql`${columns} SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7 FROM json_each(${json}) ORDER BY key`;
  }
  return sql`${columns} SELECT r ->> 0, r ->> 1, r ->> 2, r ->> 3, (r ->> 4)::integer, r ->> 5, r ->> 6, r ->> 7 FROM jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n`;
}
