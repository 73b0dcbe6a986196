import type { DataSource, EntityManager } from 'typeorm';

/**
 * TypeORM opens SQLite transactions with a deferred BEGIN. A transaction that reads first and writes later
 * cannot wait for another connection's write lock (SQLite answers SQLITE_BUSY at once, since waiting could
 * deadlock or the snapshot is stale), so each write transaction takes the lock before its first read with
 * a statement that writes nothing. It then waits up to busy_timeout like any writer. This is BEGIN IMMEDIATE
 * in effect, which TypeORM has no option for.
 */
const TAKE_WRITE_LOCK = 'DELETE FROM "store_meta" WHERE 1 = 0';

/**
 * How repositories touch the database. TypeORM's sqlite driver has one connection shared by every query
 * runner, so a second transaction started while one is open fails, and a plain write issued meanwhile would
 * silently join (and roll back with) the open one. On SQLite every operation therefore goes through one
 * queue; PostgreSQL has a pool and real isolation, so nothing is queued there.
 */
export class StoreDb {
  private tail: Promise<unknown> = Promise.resolve();
  readonly serialized: boolean;

  constructor(readonly dataSource: DataSource) {
    this.serialized = dataSource.options.type === 'sqlite';
  }

  /** Runs `work` in one transaction: all of it commits, or none of it. */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialized) return this.dataSource.transaction(work);
    return this.enqueue(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.query(TAKE_WRITE_LOCK);
        return work(manager);
      }),
    );
  }

  /** Runs a read outside any transaction (but never inside another caller's open transaction). */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(() => work(this.dataSource.manager));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (!this.serialized) return task();
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
