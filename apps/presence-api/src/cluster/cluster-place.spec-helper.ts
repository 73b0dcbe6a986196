import { RedisLink } from '@amo/presence-cluster';
import { disposeLink } from '@amo/presence-cluster/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type BootOptions, bootService, type RunningService, tempDir } from '../e2e/harness.spec-helper';

/** Two instances of the service in one place, and a link to look at what they keep in Redis. */
export interface ClusterPair {
  a: RunningService;
  b: RunningService;
  link: RedisLink;
}

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
  private readonly dirs = [tempDir(), tempDir()];
  private pair: Partial<ClusterPair> = {};

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

  /**
   * Starts `instance-a`, then `instance-b` (as a deployment would: the second finds the migrations applied), each
   * with the variables `env` gives for its id and a data folder of its own, and opens a link under the prefix.
   */
  async startPair(env: (instanceId: string) => Record<string, string>, options: Pick<BootOptions, 'clock'> = {}): Promise<ClusterPair> {
    this.pair.a = await bootService({ dataDir: this.dirs[0].path, env: env('instance-a'), ...options });
    this.pair.b = await bootService({ dataDir: this.dirs[1].path, env: env('instance-b'), ...options });
    this.pair.link = await this.link();
    return this.pair as ClusterPair;
  }

  /** Stops what `startPair` started (as much of it as started), then removes the place and the data folders. */
  async close(): Promise<void> {
    await this.pair.a?.close();
    await this.pair.b?.close();
    await this.pair.link?.close();
    await this.remove();
    for (const dir of this.dirs) dir.remove();
  }

  /** Deletes every key under the prefix and the schema with its tables. */
  async remove(): Promise<void> {
    await disposeLink(await this.link());
    const admin = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
    await admin.initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).finally(() => admin.destroy());
  }
}
