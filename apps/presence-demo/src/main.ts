import { DemoUsageError, parseDemoArgs, USAGE } from './demo-options';
import { runDemo } from './run-demo';

/** `npm run demo -- --once`: parses the flags, runs, exits 0 (2 on a bad flag, 1 on a failure). */
async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseDemoArgs(process.argv.slice(2));
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await runDemo(options, process.stdout, stop);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DemoUsageError) {
      process.stderr.write(`presence-demo: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`presence-demo: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
