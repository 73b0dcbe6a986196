import type { EndpointValues } from '@amo/presence-core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** The endpoints adapters are built with: the configured ones, or the sandbox emulators' once they start. */
@Injectable()
export class RuntimeEndpoints {
  private urls: EndpointValues;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.urls = { ...config.baseUrls };
  }

  get baseUrls(): EndpointValues {
    return this.urls;
  }

  override(urls: EndpointValues): void {
    this.urls = { ...this.urls, ...urls };
  }
}
