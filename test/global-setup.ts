import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/** CLI tests run the real bin/, which loads dist/: build it once per test run. */
export default function setup(): void {
  if (process.env.LB_REVIEW_SKIP_BUILD === "1") return;
  const root = resolve(import.meta.dirname, "..");
  execFileSync(process.execPath, [resolve(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
}
