/** `lb-review`: the engine on the command line. Exit 0 below --fail-on, 1 at or above, 2 on errors. */
import { parseArgs } from "node:util";
import { FORMATS } from "../model/types.js";
import { POLICY_PATH } from "../policy/path.js";
import { UsageError } from "./sources.js";
import { version } from "./version.js";

export const HELP = `lb-review: review load-balancer config changes by their effect on traffic.

Usage:
  lb-review check [--base <dir|git-ref>] [--head <dir|git-ref>] [options]
  lb-review parse <file> [--as ${FORMATS.join("|")}]
  lb-review rules [--format text|json|markdown]
  lb-review --help | --version

check options:
  --base <dir|ref>     old version: a directory or a git ref of the repository in the
                       current directory (default: merge base of HEAD with the default branch)
  --head <dir|ref>     new version (default: the git working tree)
  --config <file>      policy file (default: ${POLICY_PATH} from the base version)
  --format <fmt>       text (default), json, markdown or sarif
  --fail-on <sev>      exit 1 when a finding is at or above: info, low, medium, high (default), critical
  --output <file>      write the report to a file instead of stdout

Exit codes: 0 every finding is below --fail-on; 1 a finding is at or above it;
2 usage error, invalid policy, or internal error.
`;

export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`lb-review: ${e.message}\n`);
      return 2;
    }
    io.stderr(`lb-review: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout(HELP);
    return values.help ? 0 : 2;
  }
  // Only a command loads the engine, formats and reports.
  switch (command) {
    case "check":
      return (await import("./commands.js")).check(values, io);
    case "parse":
      return (await import("./commands.js")).parseCommand(rest, values.as, io);
    case "rules":
      return (await import("./commands.js")).rulesCommand(values.format ?? "text", io);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
      "fail-on": { type: "string" },
      output: { type: "string" },
      as: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

export type Values = ReturnType<typeof parse>["values"];

export { version };
