import type { DataSource, EntityManager } from 'typeorm';

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
    return this.enqueue(() => this.dataSource.transaction(work));
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
