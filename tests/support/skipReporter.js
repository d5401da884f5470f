/**
 * A jest reporter that ends the run with the list of skipped tests and why (the reason is in the title, see
 * tests/support/needsTool.ts), so a skip never passes unnoticed. CI=true turns those skips into failures.
 */
class SkipReporter {
  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) if (t.status === "pending" || t.status === "skipped") skipped.push(t.fullName);
    }
    if (skipped.length === 0) return;
    const lines = [`\n${skipped.length} test${skipped.length === 1 ? "" : "s"} skipped (CI=true makes a missing tool fail):`, ...skipped.map((s) => `  - ${s}`)];
    process.stderr.write(`${lines.join("\n")}\n`);
  }
}
module.exports = SkipReporter;
