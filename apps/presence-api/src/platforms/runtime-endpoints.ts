import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type BaseUrls } from '../config/app-config';

/** The base URLs adapters are built with: the configured ones, or the sandbox emulators' once they start. */
@Injectable()
export class RuntimeEndpoints {
  private urls: BaseUrls;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.urls = { ...config.baseUrls };
  }

  get baseUrls(): BaseUrls {
    return this.urls;
  }

  override(urls: Partial<BaseUrls>): void {
    this.urls = { ...this.urls, ...urls };
  }
}
