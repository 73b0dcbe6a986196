import { RedisLink } from '@amo/presence-cluster';
import { disposeLink } from '@amo/presence-cluster/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/* eslint-disable no-restricted-properties -- a test helper: the servers come from the test run's environment (.ci/run sets them) */
export const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/* eslint-enable no-restricted-properties */

/**
 * Where one test's in-process cluster lives: a PostgreSQL schema and a Redis key prefix of its own on the
 * machine's servers, so tests never see each other's data; `remove()` deletes both.
 */
export class ClusterPlace {
  readonly schema: string;
  readonly prefix: string;

  constructor(name: string) {
    const tag = `${name}_${process.pid}_${randomBytes(3).toString('hex')}`;
    this.schema = `e2e_${tag}`;
    this.prefix = `test:${name}:${tag}:`;
  }

  /** The cluster-mode variables of one instance here. */
  env(instanceId: string): Record<string, string> {
    return { DATABASE_URL: POSTGRES_URL, PRESENCE_DATABASE_SCHEMA: this.schema, REDIS_URL, PRESENCE_REDIS_PREFIX: this.prefix, PRESENCE_INSTANCE_ID: instanceId };
  }

  /** A ready link under the prefix, to look at what the instances keep in Redis. */
  async link(): Promise<RedisLink> {
    const link = new RedisLink({ url: REDIS_URL, keyPrefix: this.prefix });
    await link.ready();
    return link;
  }

  /** Deletes every key under the prefix and the schema with its tables. */
  async remove(): Promise<void> {
    await disposeLink(await this.link());
    const admin = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).finally(() => admin.destroy());
  }
}
