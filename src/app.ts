/** The composition root: config → logger, store, directory, Moodle clients, sync engine. */
import type { Config } from './config';
import { createDirectorySource } from './directory';
import type { DirectorySource } from './directory/types';
import { Logger, createLogger } from './log';
import type { MoodleApi } from './moodle/api';
import { createPlatformApis } from './moodle/platforms';
import { openStore } from './store';
import type { Store } from './store/types';
import { EngineDeps, SyncEngine } from './sync/engine';

export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  directory: DirectorySource;
  apis: Map<string, MoodleApi>;
  engine: SyncEngine;
  close(): Promise<void>;
}

export function createApp(config: Config, opts: { logger?: Logger; onProgress?: EngineDeps['onProgress']; now?: () => Date } = {}): App {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const store = openStore(config.databaseUrl);
  const directory = createDirectorySource(config, logger);
  const apis = createPlatformApis(config, logger);
  const engine = new SyncEngine({ config, directory, apis, store, logger, onProgress: opts.onProgress, now: opts.now });
  return { config, logger, store, directory, apis, engine, close: () => store.close() };
}
