/**
 * A store that cannot take a query now — its server restarting or failing over, the connection
 * dropped, the SQLite file locked or its disk full — is said as one error, `StoreUnavailableError`,
 * at the store's edge (every query passes through `guardDialect`): callers tell "try again in a
 * moment" from a bug without knowing the drivers' codes. One rule, one place.
 */
import type { DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { StoreError } from './types';
import { maskUrl } from '../util/mask-url';

export class StoreUnavailableError extends StoreError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** PostgreSQL SQLSTATEs of a server going away or not there yet: admin shutdown, crash shutdown, cannot connect now, too many connections. */
const PG_GONE = new Set(['57P01', '57P02', '57P03', '53300']);
const NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg's own words for a connection it lost or never had. */
const PG_MESSAGES = /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect|Connection ended|connect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)|getaddrinfo EAI_AGAIN/i;

/** The store's error as the caller should see it: unavailable (say so, try again later), or as it was. */
export function classify(err: unknown): unknown {
  // Duck-typed: errors from Node's own sockets may come from another realm (a vm, jest) than this Error.
  if (err instanceof StoreUnavailableError || typeof err !== 'object' || err === null || typeof (err as Error).message !== 'string') return err;
  const code = (err as { code?: unknown }).code;
  const c = typeof code === 'string' ? code : undefined;
  const detail = maskUrl((err as Error).message);
  if (c === 'SQLITE_FULL') return new StoreUnavailableError(`the store's disk is full (SQLITE_FULL): nothing was half-written; free space on the store's disk`, c);
  if (c === 'SQLITE_BUSY' || c === 'SQLITE_LOCKED') return new StoreUnavailableError(`the store is locked by another process (${c}); try again in a moment`, c);
  if (c?.startsWith('SQLITE_IOERR') || c === 'SQLITE_READONLY' || c === 'SQLITE_CANTOPEN') return new StoreUnavailableError(`the store's file cannot be written (${c}: ${detail})`, c);
  if ((c && (PG_GONE.has(c) || c.startsWith('08') || NET.has(c))) || PG_MESSAGES.test(detail)) {
    return new StoreUnavailableError(`the database is unreachable (${detail})`, c);
  }
  return err;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw classify(err);
  }
}

/** The dialect, with every error of its driver classified (queries, transactions, connecting). */
export function guardDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new GuardedDriver(dialect.createDriver()),
  };
}

class GuardedDriver implements Driver {
  /** Our wrapper → the driver's own connection (drivers release theirs through private members). */
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(private readonly driver: Driver) {}

  init(): Promise<void> {
    return guarded(() => this.driver.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await guarded(() => this.driver.acquireConnection());
    const wrapped: DatabaseConnection = {
      executeQuery: <R>(q: Parameters<DatabaseConnection['executeQuery']>[0]): Promise<QueryResult<R>> => guarded(() => conn.executeQuery<R>(q)),
      streamQuery: <R>(q: Parameters<DatabaseConnection['streamQuery']>[0], chunkSize?: number) => conn.streamQuery<R>(q, chunkSize),
    };
    this.inner.set(wrapped, conn);
    return wrapped;
  }

  private of(c: DatabaseConnection): DatabaseConnection {
    return this.inner.get(c) ?? c;
  }

  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return guarded(() => this.driver.beginTransaction(this.of(c), settings));
  }

  commitTransaction(c: DatabaseConnection): Promise<void> {
    return guarded(() => this.driver.commitTransaction(this.of(c)));
  }

  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return guarded(() => this.driver.rollbackTransaction(this.of(c)));
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.of(c));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/**
 * Waits for the store to take `work`: retried with a growing pause (0.25 s → 5 s) while the store is
 * unavailable, until `withinMs` has passed; then the last StoreUnavailableError. Other errors at once.
 */
export async function whenStoreBack<T>(work: () => Promise<T>, withinMs: number, onWait?: (err: StoreUnavailableError) => void): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let pause = 250; ; pause = Math.min(5000, pause * 2)) {
    try {
      return await work();
    } catch (err) {
      const e = classify(err);
      const left = deadline - Date.now();
      if (!(e instanceof StoreUnavailableError) || left <= 0) throw e;
      onWait?.(e);
      await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    }
  }
}
