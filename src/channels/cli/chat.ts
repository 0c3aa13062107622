/**
 * The terminal chat: the same command core as Teams and Slack. Interactive on a TTY (readline, a
 * number picks a button of the last reply); otherwise one command per line, replies on stdout, so
 * scripts and tests can drive it.
 */
import readline from 'node:readline';
import type { BotCore } from '../../bot/core';
import type { Identity } from '../../bot/context';
import type { View } from '../../bot/views';
import { renderText } from './render';

export interface ChatOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  prompt?: string;
}

export class TerminalChat {
  private lastButtons: string[] = [];
  readonly identity: Identity;

  constructor(
    private readonly core: BotCore,
    opts: { as: string; locale?: string },
  ) {
    this.identity = { channel: 'cli', chatUserId: opts.as, email: opts.as, locale: opts.locale, conversation: 'private' };
  }

  /** One line in, one rendered reply out; a bare number presses that button of the previous reply. */
  async say(line: string): Promise<{ view: View; text: string }> {
    const n = /^\s*(\d{1,2})\s*$/.exec(line);
    const input = n && this.lastButtons[Number(n[1]) - 1] !== undefined ? this.lastButtons[Number(n[1]) - 1]! : line;
    const view = await this.core.handle(this.identity, input);
    this.lastButtons = (view.buttons ?? []).map((b) => b.payload);
    return { view, text: renderText(view) };
  }

  async run(opts: ChatOptions): Promise<void> {
    const input = opts.input ?? process.stdin;
    const output = opts.output ?? process.stdout;
    const interactive = (input as NodeJS.ReadStream).isTTY === true;
    const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
    const prompt = opts.prompt ?? `${this.identity.email}> `;
    if (interactive) {
      output.write('cohortbot — tapez `aide` (help), Ctrl-D pour quitter.\n');
      rl.setPrompt(prompt);
      rl.prompt();
    }
    for await (const line of rl) {
      if (line.trim() === '') {
        if (interactive) rl.prompt();
        continue;
      }
      if (!interactive) output.write(`> ${line}\n`);
      const { text } = await this.say(line);
      output.write(`${text}\n\n`);
      if (interactive) rl.prompt();
    }
  }
}
