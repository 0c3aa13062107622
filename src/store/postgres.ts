/**
 * The PostgreSQL store (`DATABASE_URL=postgres://…`): the same schema and queries through Kysely's
 * PostgreSQL dialect, so two or more replicas share runs, journal, held plans, confirmations and the
 * scheduler's lease. Pool errors are reported (password masked), never swallowed.
 */
import { PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { KyselyStore } from './kysely-store';
import { maskUrl } from '../util/mask-url';
import { type Logger, createLogger } from '../log';

/** The store is given no logger: its connection warnings go through the project's own, made when first needed. */
let log: Logger | undefined;
const warnLine = (msg: string, err: string) => (log ??= createLogger()).warn({ err }, msg);

export class PostgresStore extends KyselyStore {
  constructor(url: string) {
    const pool = new Pool({ connectionString: url, max: 5 });
    // An idle client's connection dropped: the pool replaces it; say so rather than crash or hide it.
    pool.on('error', (err) => warnLine('PostgreSQL pool error', maskUrl(err.message)));
    // A client in use (a transaction, the journal's inserts, the lease's renewal) whose server goes away
    // emits 'error' too, and pg's pool listens only to idle ones: without this, a restart of PostgreSQL
    // mid-run crashed the process. The query in flight fails (StoreUnavailableError); the pool drops the client.
    pool.on('connect', (client) => client.on('error', (err) => warnLine('PostgreSQL connection lost', maskUrl(err.message))));
    super('postgres', KyselyStore.kysely(new PostgresDialect({ pool })), maskUrl(url));
  }
}
