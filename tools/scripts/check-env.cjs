// `npm start`'s first step, before the build: the environment (with .env, passed by start.mjs as --env-file)
// checked against the service's own config schema, with the same one-line-per-variable messages the service
// prints, and the port checked free. It reads the TypeScript sources directly, so nothing needs building.
require('../../apps/presence-api/test/ts-register.cjs');
const { ConfigError, loadConfig } = require('../../apps/presence-api/src/config/config.loader.ts');
const { portProblem } = require('../../apps/presence-api/src/startup/port-check.ts');

function fail(message) {
  process.stderr.write(`presence-api: ${message}\n`);
  process.exit(1);
}

async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const problem = await portProblem(config.port);
  if (problem) fail(problem);
}

main().catch((error) => fail(`could not check the configuration: ${error?.message ?? String(error)}`));
