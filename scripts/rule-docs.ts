/** Prints docs/rules.md from the rule files: `npm run docs:rules`. */
import { renderRulesMarkdown } from "../src/report/rule-docs.js";

process.stdout.write(renderRulesMarkdown());
