/** DATABASE_URL → store: `sqlite:<path>` (default data/cohortbot.db) or `postgres://…` for several replicas. */
import { StoreError } from './types';
import type { Store } from './types';

export { StoreError };
export type { Store };

/** Each driver is loaded only for its own URLs: a PostgreSQL deployment never loads better-sqlite3's native module. */
export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) {
    const { SqliteStore } = require('./sqlite') as typeof import('./sqlite');
    return new SqliteStore(databaseUrl.slice('sqlite:'.length));
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { PostgresStore } = require('./postgres') as typeof import('./postgres');
    return new PostgresStore(databaseUrl);
  }
  throw new StoreError(`DATABASE_URL ${databaseUrl.replace(/\/\/[^@]*@/, '//…@')}: expected sqlite:<path> or postgres://…`);
}
