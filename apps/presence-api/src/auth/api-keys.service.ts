import type { ApiKeyInfo, ApiKeyScope, PresenceStore } from '@amo/presence-store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { ADMIN_TOKEN_FILE, generateAdminToken, readOrCreateSecretFile } from '../store/secret-files';
import { PRESENCE_STORE } from '../store/store.providers';
import { ApiKeyAuthenticator } from './api-key.authenticator';

export const BOOTSTRAP_KEY_NAME = 'bootstrap-admin';
const ALL_SCOPES: ApiKeyScope[] = ['read', 'write', 'admin'];

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function view(info: ApiKeyInfo): ApiKeyView {
  return {
    id: info.id,
    name: info.name,
    prefix: info.prefix,
    scopes: info.scopes,
    createdAt: info.createdAt.toISOString(),
    lastUsedAt: info.lastUsedAt?.toISOString() ?? null,
    revokedAt: info.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API keys: the bootstrap admin key (PRESENCE_API_TOKEN, or a generated one in dataDir/admin-token, mode
 * 0600; the log names the file, never the key), and create/list/revoke for admins. Only hashes are stored.
 */
@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let token = this.config.apiToken;
    if (token) {
      this.logger.log('bootstrap admin key: from PRESENCE_API_TOKEN');
    } else {
      const file = readOrCreateSecretFile(this.config.dataDir, ADMIN_TOKEN_FILE, generateAdminToken);
      token = file.value;
      // The start-up block says where the key is (`cat <path>`): this line is for debugging only.
      this.logger.debug(
        file.created
          ? `PRESENCE_API_TOKEN is not set: generated a bootstrap admin key into ${file.path} (mode 0600)`
          : `PRESENCE_API_TOKEN is not set: using the bootstrap admin key in ${file.path}`,
      );
    }
    const info = await this.store.apiKeys.register(token, { name: BOOTSTRAP_KEY_NAME, scopes: ALL_SCOPES });
    // A bootstrap key from an earlier configuration no longer opens anything.
    for (const key of await this.store.apiKeys.list()) {
      if (key.name === BOOTSTRAP_KEY_NAME && key.id !== info.id && !key.revokedAt) {
        await this.store.apiKeys.revoke(key.id);
        this.authenticator.forgetKey(key.id);
      }
    }
    if (info.revokedAt) this.logger.error('the bootstrap admin key was revoked earlier; set a new PRESENCE_API_TOKEN');
  }

  async create(name: string, scopes: ApiKeyScope[]): Promise<{ key: string; apiKey: ApiKeyView }> {
    const created = await this.store.apiKeys.create({ name, scopes });
    return { key: created.key, apiKey: view(created.info) };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.store.apiKeys.list()).map(view);
  }

  async revoke(id: string): Promise<void> {
    const revoked = await this.store.apiKeys.revoke(id);
    if (!revoked) throw ApiError.notFound(`no active API key with id ${id}`);
    this.authenticator.forgetKey(id);
  }
}
