/**
 * A one-connection "pool" over PGlite with the shape kysely's PostgresDialect drives (the subset of pg's Pool
 * it needs). PGlite is a single Postgres session, so the pool hands the one client to one borrower at a time:
 * a kysely transaction holds it from BEGIN to COMMIT and no other query can slip into it
 * (docs/adr/0011-kysely-with-pglite-shim.md).
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Wrap a PGlite instance as a kysely `PostgresPool`.
 *
 * @example new Kysely({ dialect: new PostgresDialect({ pool: createPglitePool(pglite) }) })
 */
export function createPglitePool(db: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  let ended = false;

  const client = {
    async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
      const r = await db.query<R>(sql, parameters as unknown[]);
      return {
        command: (r.command ?? 'SELECT') as PostgresQueryResult<R>['command'],
        rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length,
        rows: r.rows,
      };
    },
    release: () => {},
  };

  return {
    options: {},
    async connect(): Promise<PostgresPoolClient> {
      if (ended) throw new Error('the PGlite pool is closed');
      let release!: () => void;
      const turn = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => turn);
      await previous;
      let released = false;
      return {
        query: client.query as PostgresPoolClient['query'],
        release: () => {
          if (released) return;
          released = true;
          release();
        },
      };
    },
    async end(): Promise<void> {
      ended = true;
      await tail;
      await db.close();
    },
  };
}
