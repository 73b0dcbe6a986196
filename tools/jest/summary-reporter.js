const fs = require('node:fs');
const path = require('node:path');

/**
 * Writes each project's pass/fail counts to tmp/test-results so tools/scripts/test-all.mjs can print one
 * total line over all projects (Jest's own summary is per project).
 */
class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '..', 'tmp', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const name = path.relative(path.join(__dirname, '..', '..'), this.rootDir).replace(/[\\/]/g, '__') || 'root';
    const failedSuites = results.testResults.filter((suite) => suite.testExecError).length;
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        project: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + failedSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        success: results.success,
      }),
    );
  }
}

module.exports = SummaryReporter;
