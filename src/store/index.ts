/** DATABASE_URL → store: `sqlite:<path>` (default data/cohortbot.db) or `postgres://…` for several replicas. */
import { PostgresStore } from './postgres';
import { SqliteStore, StoreError } from './sqlite';
import type { Store } from './types';

export { StoreError };
export type { Store };

export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) return new SqliteStore(databaseUrl.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return new PostgresStore(databaseUrl);
  throw new StoreError(`DATABASE_URL ${databaseUrl.replace(/\/\/[^@]*@/, '//…@')}: expected sqlite:<path> or postgres://…`);
}
