#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
let cli;
try {
  cli = await import("../dist/src/cli/main.js");
} catch (e) {
  process.stderr.write(`lb-review: cannot load dist/ (${e.message}); run "npm run build" first\n`);
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
