/** One MoodleApi per configured platform. */
import type { Config } from '../config';
import type { Logger } from '../log';
import { MoodleApi } from './api';
import { MoodleClient } from './client';
import { RequestRecorder } from './recorder';

export function createPlatformApis(config: Config, logger?: Logger): Map<string, MoodleApi> {
  const recorder = config.moodle.recordFile ? new RequestRecorder(config.moodle.recordFile) : undefined;
  return new Map(
    config.platforms.map((p) => [
      p.name,
      new MoodleApi(
        new MoodleClient({
          platform: p.name,
          url: p.url,
          token: p.token,
          concurrency: p.concurrency,
          maxInputVars: p.maxInputVars,
          timeoutMs: config.moodle.timeoutMs,
          timeoutPerVarMs: config.moodle.timeoutPerVarMs,
          retries: config.moodle.retries,
          retryBaseMs: config.moodle.retryBaseMs,
          logger,
          recorder,
        }),
      ),
    ]),
  );
}
