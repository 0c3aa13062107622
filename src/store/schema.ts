/**
 * The store's one schema, for SQLite and PostgreSQL alike, as Kysely migrations run by its Migrator
 * (each in a transaction, rolled back on error). The first migration creates what the hand-written
 * stores of earlier versions created (IF NOT EXISTS), so existing databases migrate forward in place.
 */
import { Kysely, Migration, MigrationProvider, sql } from 'kysely';
import { parseJournalReason, parseReasons, serializeJournalReason, serializeReasons } from './rows';

export interface RunsTable {
  run_id: string;
  status: string;
  trigger: string;
  scope: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  directory_students: number | null;
  /** 0/1 on SQLite, a boolean on PostgreSQL: read through Boolean(). */
  directory_complete: number | boolean | null;
  guard: string;
  platforms: string;
}

export interface JournalTable {
  id: number | undefined;
  run_id: string;
  platform: string;
  cohort_idnumber: string;
  student_key: string | null;
  moodle_user_id: number | null;
  action: string;
  reason: string;
  at: string;
}

export interface HeldPlansTable {
  run_id: string;
  created_at: string;
  status: string;
  removals: string;
  reasons: string;
  decided_by: string | null;
  decided_at: string | null;
}

export interface AuditTable {
  id: number | undefined;
  at: string;
  actor: string;
  channel: string;
  command: string;
  platform: string | null;
  course: string | null;
  target: string | null;
  outcome: string;
  detail: string | null;
}

export interface Database {
  runs: RunsTable;
  journal: JournalTable;
  held_plans: HeldPlansTable;
  audit: AuditTable;
  leases: { name: string; holder: string; expires_at: string };
  state: { key: string; value: string };
  once_keys: { key: string; expires_at: string };
  confirmations: { id: string; actor: string; body: string; created_at: string; expires_at: string; used_at: string | null };
  notices: NoticesTable;
  notice_prefs: { person: string; teachers: string; updated_at: string };
  moodle_keys: MoodleKeysTable;
}

/** The notice queue (004-notices): one row per recipient, run and kind; see store/notices.ts. */
export interface NoticesTable {
  id: string;
  run_id: string;
  recipient: string;
  kind: string;
  body: string;
  status: string;
  attempts: number;
  next_at: string;
  lease_until: string | null;
  channel: string | null;
  detail: string | null;
  created_at: string;
  updated_at: string;
}

/** What a run learnt of a Moodle account (core path): its id, the matched field's value, when Moodle last confirmed it. */
export interface MoodleKeysTable {
  platform: string;
  field: string;
  user_id: number;
  key: string;
  checked_at: string;
}

export type Dialect = 'sqlite' | 'postgres';

/** An auto-increment id, the way each database spells it. */
const serial = (dialect: Dialect) => (dialect === 'sqlite' ? 'integer' : 'bigserial');

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-initial': {
      async up(db: Kysely<unknown>) {
        const idColumn = () => (dialect === 'sqlite' ? sql.raw(`id INTEGER PRIMARY KEY AUTOINCREMENT`) : sql.raw(`id ${serial(dialect)} PRIMARY KEY`));
        await db.schema
          .createTable('runs')
          .ifNotExists()
          .addColumn('run_id', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('trigger', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('duration_ms', 'integer')
          .addColumn('directory_students', 'integer')
          .addColumn('directory_complete', dialect === 'sqlite' ? 'integer' : 'boolean')
          .addColumn('guard', 'text', (c) => c.notNull())
          .addColumn('platforms', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('runs_started').ifNotExists().on('runs').column('started_at').execute();
        await sql`CREATE TABLE IF NOT EXISTS journal (${idColumn()}, run_id TEXT NOT NULL, platform TEXT NOT NULL, cohort_idnumber TEXT NOT NULL,
          student_key TEXT, moodle_user_id INTEGER, action TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL)`.execute(db);
        await db.schema.createIndex('journal_student').ifNotExists().on('journal').columns(['student_key', 'at']).execute();
        await db.schema.createIndex('journal_cohort').ifNotExists().on('journal').columns(['platform', 'cohort_idnumber', 'at']).execute();
        await db.schema.createIndex('journal_at').ifNotExists().on('journal').column('at').execute();
        await db.schema
          .createTable('held_plans')
          .ifNotExists()
          .addColumn('run_id', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('removals', 'text', (c) => c.notNull())
          .addColumn('reasons', 'text', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'text')
          .execute();
        await sql`CREATE TABLE IF NOT EXISTS audit (${idColumn()}, at TEXT NOT NULL, actor TEXT NOT NULL, channel TEXT NOT NULL, command TEXT NOT NULL,
          platform TEXT, course TEXT, target TEXT, outcome TEXT NOT NULL, detail TEXT)`.execute(db);
        await db.schema.createIndex('audit_at').ifNotExists().on('audit').column('at').execute();
        await db.schema.createTable('leases').ifNotExists().addColumn('name', 'text', (c) => c.primaryKey()).addColumn('holder', 'text', (c) => c.notNull()).addColumn('expires_at', 'text', (c) => c.notNull()).execute();
        await db.schema.createTable('state').ifNotExists().addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();
        await db.schema.createTable('once_keys').ifNotExists().addColumn('key', 'text', (c) => c.primaryKey()).addColumn('expires_at', 'text', (c) => c.notNull()).execute();
        await db.schema.createIndex('once_keys_expiry').ifNotExists().on('once_keys').column('expires_at').execute();
        await db.schema
          .createTable('confirmations')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('confirmations_actor').ifNotExists().on('confirmations').columns(['actor', 'created_at']).execute();
        await db.schema.createIndex('confirmations_expiry').ifNotExists().on('confirmations').column('expires_at').execute();
      },
    },
    '002-codes-only': {
      // Rows keep codes and parameters only (the words live in src/i18n): sentences written by earlier
      // versions become codes where recognisable, else a `legacy` code carrying the old text.
      async up(kdb: Kysely<unknown>) {
        const db = kdb as unknown as Kysely<Database>;
        // Journal reasons are shared by many rows (one per étape and year): one update per distinct sentence.
        const distinct = await db.selectFrom('journal').select('reason').distinct().where('reason', 'not like', '{%').execute();
        for (const { reason } of distinct) {
          await db.updateTable('journal').set({ reason: serializeJournalReason(parseJournalReason(reason)) }).where('reason', '=', reason).execute();
        }
        for (const r of await db.selectFrom('runs').select(['run_id', 'guard']).execute()) {
          const codes = serializeReasons(parseReasons(r.guard));
          if (codes !== r.guard) await db.updateTable('runs').set({ guard: codes }).where('run_id', '=', r.run_id).execute();
        }
        for (const h of await db.selectFrom('held_plans').select(['run_id', 'reasons', 'removals']).execute()) {
          const reasons = serializeReasons(parseReasons(h.reasons));
          const removals = JSON.stringify(
            (JSON.parse(h.removals) as Array<{ reason: unknown }>).map((x) => ({ ...x, reason: typeof x.reason === 'string' ? parseJournalReason(x.reason) : x.reason })),
          );
          if (reasons !== h.reasons || removals !== h.removals) await db.updateTable('held_plans').set({ reasons, removals }).where('run_id', '=', h.run_id).execute();
        }
      },
    },
    '003-moodle-keys': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('moodle_keys')
          .ifNotExists()
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('checked_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('moodle_keys_pk', ['platform', 'field', 'user_id'])
          .execute();
        // forget finds a person's rows by key.
        await db.schema.createIndex('moodle_keys_key').ifNotExists().on('moodle_keys').column('key').execute();
        // The sync's pending pairs (sync/actual.ts, fingerprints) without a scan of the whole journal.
        await db.schema.createIndex('journal_pending').ifNotExists().on('journal').columns(['action', 'platform']).execute();
      },
    },
    '004-notices': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('notices')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('run_id', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('next_at', 'text', (c) => c.notNull())
          .addColumn('lease_until', 'text')
          .addColumn('channel', 'text')
          .addColumn('detail', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('notices_due').ifNotExists().on('notices').columns(['status', 'next_at']).execute();
        await db.schema.createIndex('notices_run').ifNotExists().on('notices').columns(['run_id', 'status']).execute();
        await db.schema.createIndex('notices_recipient').ifNotExists().on('notices').column('recipient').execute();
        await db.schema
          .createTable('notice_prefs')
          .ifNotExists()
          .addColumn('person', 'text', (c) => c.primaryKey())
          .addColumn('teachers', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '005-journal-pending-partial': {
      async up(db: Kysely<unknown>) {
        // A first sync journals a hundred thousand "add" rows and an index on (action, platform) took
        // each of them; only the pending rows are ever looked up by it: a partial index holds just those.
        await db.schema.dropIndex('journal_pending').ifExists().execute();
        await sql`CREATE INDEX IF NOT EXISTS journal_pending_rows ON journal (platform, cohort_idnumber) WHERE action = 'pending'`.execute(db);
      },
    },
  };
}

export const migrationProvider = (dialect: Dialect): MigrationProvider => ({
  getMigrations: async () => migrations(dialect),
});
