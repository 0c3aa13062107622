/** `cohortbot chat [--as <email>]`: talk to the bot from a terminal, with the same core as Teams and Slack. */
import { Command } from 'commander';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { CliError } from './common';

export function chatCommand(): Command {
  return new Command('chat')
    .description('terminal chat with the bot (buttons become numbered choices; one command per line when stdin is not a terminal)')
    .option('--as <email>', 'who is talking (the chat identity, matched to a Moodle account)', process.env.COHORTBOT_CHAT_AS)
    .option('--lang <fr|en>', 'language of the replies', 'fr')
    .option('--json', 'accepted for symmetry; replies are text')
    .action(async (opts: { as?: string; lang: string }) => {
      if (!opts.as) throw new CliError('--as <email> is required (or set COHORTBOT_CHAT_AS): the bot answers with that person\'s rights');
      const config = loadConfig();
      // Logs stay quiet in the terminal chat unless asked for: they would mix with the replies.
      const app = createApp(config, { logger: createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn') });
      try {
        // The bot layer is loaded only for the chat: a nightly sync does not pay for it.
        const [{ BotCore }, { TerminalChat }] = await Promise.all([import('../bot/core'), import('../channels/cli/chat')]);
        const core = new BotCore({ ...app });
        await new TerminalChat(core, { as: opts.as, locale: opts.lang }).run({});
      } finally {
        await app.close();
      }
    });
}
