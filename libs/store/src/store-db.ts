import type { DataSource, EntityManager } from 'typeorm';

/**
 * TypeORM opens SQLite transactions with a deferred BEGIN. A transaction that reads first and writes later
 * cannot wait for another connection's write lock (SQLite answers SQLITE_BUSY at once, since waiting could
 * deadlock or the snapshot is stale), so each write transaction takes the lock before its first read with
 * a statement that writes nothing. It then waits up to busy_timeout like any writer. This is BEGIN IMMEDIATE
 * in effect, which TypeORM has no option for.
 */
const TAKE_WRITE_LOCK = 'DELETE FROM "store_meta" WHERE 1 = 0';

/** Runs async tasks one after another. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * How repositories touch the database.
 *
 * SQLite: TypeORM's sqlite driver has one connection shared by every query runner, so a second transaction
 * started while one is open fails, and a plain statement issued meanwhile silently joins (and rolls back with)
 * the open one. Writes therefore go through one queue on the writer connection; reads use a second,
 * `query_only` connection, which in WAL mode neither waits for a write transaction nor sees its uncommitted rows
 * (so an API-key check is not held up by a snapshot flush). PostgreSQL has a pool and real isolation: nothing
 * is queued there.
 */
export class StoreDb {
  private readonly writes = new SerialQueue();
  private readonly consistentReads = new SerialQueue();
  private readonly sqlite: boolean;

  constructor(
    readonly dataSource: DataSource,
    private readonly reader: DataSource = dataSource,
  ) {
    this.sqlite = dataSource.options.type === 'sqlite';
  }

  /** Runs `work` in one transaction: all of it commits, or none of it. */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqlite) return this.dataSource.transaction(work);
    return this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.query(TAKE_WRITE_LOCK);
        return work(manager);
      }),
    );
  }

  /** Runs a read of committed data; each statement sees the latest commit. */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.sqlite && this.reader === this.dataSource) return this.writes.run(() => work(this.dataSource.manager));
    return work(this.reader.manager);
  }

  /** Runs several reads against one snapshot of the database (an export must not straddle a commit). */
  readConsistent<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqlite) return this.dataSource.transaction('REPEATABLE READ', work);
    if (this.reader === this.dataSource) return this.writes.run(() => this.dataSource.transaction(work));
    return this.consistentReads.run(() => this.reader.transaction(work));
  }

  /** Waits for queued work, then closes both connections. */
  async close(): Promise<void> {
    await Promise.all([this.writes.run(async () => undefined), this.consistentReads.run(async () => undefined)]);
    if (this.reader !== this.dataSource && this.reader.isInitialized) await this.reader.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
