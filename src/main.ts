/** The cohortbot CLI. Every command takes --json and then prints one JSON document on stdout. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config';
import { DirectoryConfigError } from './directory';
import { CliError, printJson } from './cli/common';
import { chatCommand } from './cli/chat';
import { demoCommand } from './cli/demo';
import { directoryCommand } from './cli/directory';
import { serveCommand } from './cli/serve';
import { whyCommand } from './cli/why';
import { simulatorCommand } from './cli/simulator';
import { forgetCommand, syncCommands } from './cli/sync';
import { StoreError } from './store/types';
import { StoreUnavailableError } from './store/unavailable';
import fs from 'node:fs';

export function buildProgram(): Command {
  const program = new Command('cohortbot')
    .description('Keeps Moodle cohorts in step with the student directory, with a Teams and Slack bot in front.')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(directoryCommand());
  program.addCommand(simulatorCommand());
  for (const c of syncCommands()) program.addCommand(c);
  program.addCommand(forgetCommand());
  program.addCommand(chatCommand());
  program.addCommand(whyCommand());
  program.addCommand(serveCommand());
  program.addCommand(demoCommand());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // COHORTBOT_ENV_FILE (e.g. the one a running demo writes), then a .env in the working directory, fill
  // in what the environment does not already say.
  const envFile = process.env.COHORTBOT_ENV_FILE;
  if (envFile) {
    if (!fs.existsSync(envFile)) {
      process.stderr.write(`cohortbot: COHORTBOT_ENV_FILE=${envFile} does not exist\n`);
      process.exit(2);
    }
    process.loadEnvFile(envFile);
  }
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const program = buildProgram();
  // With --json a command prints exactly one document, also when it cannot run: its error, beside the
  // same message on stderr and the same exit code.
  const json = argv.includes('--json');
  const fail = (exitCode: number, code: string, messages: string[], prefix = 'cohortbot: '): never => {
    for (const m of messages) process.stderr.write(`${prefix}${m}\n`);
    if (json) printJson({ status: exitCode === 1 ? 'failed' : 'error', exitCode, error: { code, message: messages.join('; ') } });
    process.exit(exitCode);
  };
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    if (err instanceof ConfigError) fail(2, 'config', err.problems, 'cohortbot: config: ');
    // The store is away (disk full, locked, database down): an outage, exit 1 like a failed run.
    if (err instanceof StoreUnavailableError) fail(1, 'storeUnavailable', [err.message], 'cohortbot: store: ');
    if (err instanceof StoreError) fail(2, 'store', [err.message], 'cohortbot: store: ');
    if (err instanceof DirectoryConfigError) fail(2, 'config', [err.message], 'cohortbot: config: ');
    if (err instanceof CliError) fail(err.exitCode, err.exitCode === 3 ? 'runInProgress' : 'request', [err.message]);
    throw err;
  }
}
