import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ADMIN_TOKEN, freePort, StreamClient, tempDir } from '../harness.spec-helper';
import { ServiceChild } from '../process.spec-helper';

/**
 * The multi-instance harness: N service child processes (`node -r ts-register main.ts`, as `node dist/main.js`
 * runs) in cluster mode against the machine's PostgreSQL and Redis, isolated by one PostgreSQL schema and one
 * Redis key prefix per cluster, both removed by `stop()`. Point the instances at emulators with `env`
 * (`emulatorEnv` in the harness): every instance gets the same environment except its port, id and data folder.
 *
 *   const cluster = await TestCluster.start({ instances: 3, env: emulatorEnv.zoom(zoom) });
 *   await cluster.instance(1).call('PUT', '/v1/users/ann/identities', { body: { zoom: 'z1' } });
 *   ...
 *   await cluster.stop();
 */

/* eslint-disable no-restricted-properties -- a test helper: the servers and PATH come from the test run's own environment (.ci/run sets them) */
export const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PATH = process.env.PATH ?? '';
/* eslint-enable no-restricted-properties */

export interface TestClusterOptions {
  instances: number;
  /** Added to every instance's environment (emulator endpoints and credentials, PRESENCE_LEASE_SECONDS...). */
  env?: Record<string, string>;
  /** Per instance, by index from 0 (a role, say). */
  envOf?: (index: number) => Record<string, string>;
  /** Names the schema and prefix, for someone reading Redis or PostgreSQL during a run. */
  name?: string;
}

/** One service process of the cluster, ready once it serves /health and has started monitoring (the start-up block). */
export class ClusterInstance extends ServiceChild {
  private readonly data: { path: string; remove(): void };

  constructor(
    readonly index: number,
    readonly id: string,
    port: number,
    env: Record<string, string>,
  ) {
    const data = tempDir('presence-cluster-');
    super(port, () => ({ PATH, ...env, PRESENCE_DATA_DIR: data.path, PRESENCE_DB_PATH: `${data.path}/unused.sqlite` }), data.path, /ready\n\s+mode/);
    this.data = data;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** A stream client on this instance (the harness's, with the admin key). */
  stream(): Promise<StreamClient> {
    return StreamClient.open(this.wsUrl);
  }

  removeData(): void {
    this.data.remove();
  }
}

/** N instances sharing one PostgreSQL schema and one Redis prefix. */
export class TestCluster {
  readonly instances: ClusterInstance[] = [];
  private readonly redis: Redis;

  private constructor(
    readonly schema: string,
    readonly prefix: string,
    private readonly baseEnv: Record<string, string>,
    private readonly envOf: (index: number) => Record<string, string>,
  ) {
    this.redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  /** Starts `instances` processes one after another (the first runs the migrations; the others find them done). */
  static async start(options: TestClusterOptions): Promise<TestCluster> {
    const tag = `${options.name ?? 'c'}_${process.pid}_${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const cluster = new TestCluster(`e2e_${tag}`, `test:cluster:${tag}:`, options.env ?? {}, options.envOf ?? (() => ({})));
    try {
      for (let i = 0; i < options.instances; i++) await cluster.add();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  instance(index: number): ClusterInstance {
    return this.instances[index];
  }

  /** Starts one more instance (`i<index>`) on a free port, with `env` on top of the cluster's. */
  async add(env: Record<string, string> = {}): Promise<ClusterInstance> {
    const index = this.instances.length;
    const port = await freePort();
    const id = `i${index}`;
    const instance = new ClusterInstance(index, id, port, {
      DATABASE_URL: POSTGRES_URL,
      PRESENCE_DATABASE_SCHEMA: this.schema,
      REDIS_URL,
      PRESENCE_REDIS_PREFIX: this.prefix,
      PRESENCE_INSTANCE_ID: id,
      PORT: String(port),
      PRESENCE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PRESENCE_API_TOKEN: ADMIN_TOKEN,
      // One key for the cluster: every instance reads the credentials the others stored.
      PRESENCE_ENCRYPTION_KEY: Buffer.alloc(32, 16).toString('base64'),
      PRESENCE_SANDBOX: 'false',
      PRESENCE_CONSENT_DEFAULT: 'granted',
      PRESENCE_LOG_LEVEL: 'log',
      ...this.baseEnv,
      ...this.envOf(index),
      ...env,
    });
    this.instances.push(instance);
    await instance.start();
    return instance;
  }

  /** Every Redis key of this cluster (without the prefix), sorted. */
  async redisKeys(): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      found.push(...keys.map((key) => key.slice(this.prefix.length)));
      cursor = next;
    } while (cursor !== '0');
    return found.sort();
  }

  /** The raw Redis connection (the test's own), for reads a test makes of what the cluster shares. */
  get redisClient(): Redis {
    return this.redis;
  }

  /** Runs SQL against the cluster's schema (a connection of the test's own). */
  async query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const source = new DataSource({ type: 'postgres', url: POSTGRES_URL, schema: this.schema, poolSize: 1 });
    await source.initialize();
    try {
      await source.query(`SET search_path TO "${this.schema}"`);
      return (await source.query(sql, parameters)) as T[];
    } finally {
      await source.destroy();
    }
  }

  /** Stops every instance (SIGTERM), then drops the schema and deletes every key under the prefix. */
  async stop(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.stop()));
    for (const instance of this.instances) instance.removeData();
    const keys = await this.redisKeys().catch(() => []);
    for (let i = 0; i < keys.length; i += 500) await this.redis.del(...keys.slice(i, i + 500).map((key) => this.prefix + key));
    await this.redis.quit().catch(() => this.redis.disconnect());
    const admin = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
    await admin.initialize();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}_sandbox" CASCADE`);
    } finally {
      await admin.destroy();
    }
  }
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
