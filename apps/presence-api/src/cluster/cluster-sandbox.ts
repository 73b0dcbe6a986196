import { LeaseKeeper, RedisLink } from '@amo/presence-cluster';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { SandboxEnvironment } from '../sandbox/sandbox-environment';
import { REDIS_LINK } from './cluster.module';

/** What the hosting instance shares about its sandbox: where the emulators answer, their credentials, the people. */
type SharedSandbox = Pick<SandboxEnvironment, 'baseUrls' | 'credentials' | 'people'>;

const JOIN_TIMEOUT_MS = 60_000;

/**
 * Sandbox mode in a cluster: one world for every instance. The instance that takes the `sandbox-host` lease runs
 * the emulators (their webhooks come to it) and shares their endpoints, credentials and sample people under
 * `<prefix>sandbox` while it holds the lease; every other instance connects to those same emulators. Were each
 * instance to run its own, they would poll different fake tenants and flap. If the host stops, the emulators stop
 * with it (the sandbox is for trying the service out: restart the cluster).
 */
@Injectable()
export class ClusterSandbox {
  private readonly logger = new Logger('Sandbox');
  private keeper: LeaseKeeper | undefined;
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REDIS_LINK) private readonly link: RedisLink,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Hosts the sandbox (`start` runs it) when no instance does yet, else joins the host's. */
  async join(start: () => Promise<SandboxEnvironment>): Promise<SandboxEnvironment> {
    const { instance, cluster } = this.config;
    const leaseMs = cluster?.leaseMs ?? 15_000;
    const keeper = new LeaseKeeper(this.link, 'sandbox-host', { holder: instance.id, ttlMs: leaseMs });
    if (await keeper.lease.acquire()) {
      this.keeper = keeper;
      const environment = await start();
      const shared: SharedSandbox = { baseUrls: environment.baseUrls, credentials: environment.credentials, people: environment.people };
      const key = this.link.key('sandbox');
      const publish = () => this.link.commands.set(key, JSON.stringify(shared), 'PX', leaseMs).then(() => keeper.lease.renew());
      await publish();
      this.refresh = setInterval(() => void publish().catch(() => undefined), Math.max(200, Math.floor(leaseMs / 3)));
      this.refresh.unref();
      this.logger.log(`this instance (${instance.id}) hosts the cluster's sandbox emulators`);
      return { ...shared, close: () => this.close(environment) };
    }
    const shared = await this.waitForHost();
    this.logger.log(`joined the cluster's sandbox (emulators hosted by ${(await keeper.lease.owner()) ?? 'another instance'})`);
    return { ...shared, close: async () => undefined };
  }

  private async waitForHost(): Promise<SharedSandbox> {
    const until = Date.now() + JOIN_TIMEOUT_MS;
    for (;;) {
      const text = await this.link.commands.get(this.link.key('sandbox')).catch(() => null);
      if (text) return JSON.parse(text) as SharedSandbox;
      if (Date.now() > until) throw new Error('no instance hosts the cluster\'s sandbox (waited 60 s)');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private async close(environment: SandboxEnvironment): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    await this.link.commands.del(this.link.key('sandbox')).catch(() => undefined);
    await this.keeper?.lease.release().catch(() => undefined);
    await environment.close();
  }
}
