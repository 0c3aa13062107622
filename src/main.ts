/** The cohortbot CLI. Every command takes --json and then prints one JSON document on stdout. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config';
import { DirectoryConfigError } from './directory';
import { CliError } from './cli/common';
import { chatCommand } from './cli/chat';
import { demoCommand } from './cli/demo';
import { directoryCommand } from './cli/directory';
import { serveCommand } from './cli/serve';
import { whyCommand } from './cli/why';
import { simulatorCommand } from './cli/simulator';
import { forgetCommand, syncCommands } from './cli/sync';
import { StoreError } from './store/types';
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
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`cohortbot: config: ${p}\n`);
      process.exit(2);
    }
    if (err instanceof StoreError) {
      process.stderr.write(`cohortbot: store: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof DirectoryConfigError) {
      process.stderr.write(`cohortbot: config: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof CliError) {
      process.stderr.write(`cohortbot: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    throw err;
  }
}
