import { existsSync } from 'node:fs';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { createDataSource, type DatabaseConfig } from './data-source';
import { ConnectionEntity } from './entities/connection.entity';

/**
 * How many platform connections a database holds, read without creating, migrating or writing anything
 * (a missing SQLite file or a database not yet migrated holds none). The service asks this before it
 * chooses sandbox mode: a service set up through the API must come back connected, not in the sandbox.
 */
export async function countStoredConnections(config: DatabaseConfig): Promise<number> {
  if (config.type === 'sqlite' && (config.path === ':memory:' || !existsSync(config.path))) return 0;
  const dataSource = new DataSource({ ...createDataSource(config).options, migrationsRun: false } as DataSourceOptions);
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    try {
      if (!(await runner.hasTable(dataSource.getMetadata(ConnectionEntity).tablePath))) return 0;
    } finally {
      await runner.release();
    }
    return await dataSource.getRepository(ConnectionEntity).count();
  } finally {
    await dataSource.destroy();
  }
}
