// Prints CI's closing line from vitest's JSON report. Under CI no test may
// skip, so skipped and todo tests count as failures; a failed build or docs
// step counts as one failure each.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, testStatus, stepsFailed] = process.argv.slice(2);
let passed = 0;
let failed = Number(stepsFailed) || 0;
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests;
  const skipped = report.numPendingTests + report.numTodoTests;
  failed += report.numFailedTests + skipped;
  if (skipped > 0) console.log(`ci: ${skipped} test(s) skipped, which CI counts as failed`);
  // A suite that fails to load has no tests in it, but it is a failure.
  failed += report.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0).length;
} else {
  failed += 1;
  console.log('ci: no test report was written');
}
if (Number(testStatus) !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
