import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, startApp } from './bootstrap';
import type { AppConfig } from './config/app-config';
import { ConfigError, loadConfig } from './config/config.loader';
import { portProblem } from './startup/port-check';

function readConfig(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`presence-api: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  // A second instance stops here, before it opens the database or restores anything.
  const problem = await portProblem(config.port);
  if (problem) {
    process.stderr.write(`presence-api: ${problem}\n`);
    process.exit(1);
  }
  const logger = new Logger('Service');
  const app = await createApp(config);
  let stopping = false;
  const stop = (signal: string): void => {
    // Ctrl-C reaches the whole process group, and npm start forwards it too: a repeat is the same request.
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping (polling, platform connections, stream clients, snapshot)`);
    // Leave a margin inside the 10 s an orchestrator waits before it kills us.
    const watchdog = setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, Math.max(1000, config.tuning.shutdownTimeoutMs - 1000));
    watchdog.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await startApp(app, config);
  } catch (error) {
    // A signal during start-up closes the store under the start sequence; that is the shutdown, not a failure.
    if (!stopping) throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`presence-api: failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
