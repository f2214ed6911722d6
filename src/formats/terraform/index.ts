import type { Parser } from "web-tree-sitter";
import type { FormatParser } from "../registry.js";
import { loadHcl, newHclParser } from "./hcl.js";
import { parseTerraform, parseTerraformModule } from "./parse.js";

/** A file that declares or references an AWS load balancer, listener, rule, target group or attachment. */
const CONTENT = /\baws_(?:lb|alb)(?:_listener(?:_rule)?|_target_group(?:_attachment)?)?\b|terraform-aws-modules\/(alb\/aws|terraform-aws-alb)|\b(weighted|failover)_routing_policy\b|^\s*source\s*=\s*"[^"]*\b(alb|elb|nlb|load-?balancer)\b[^"]*"/m;

/**
 * A Terraform parser with its own readiness: parse() before init() has resolved returns an
 * error diagnostic rather than throwing. The grammar itself is loaded once per process.
 */
export function createTerraformParser(): FormatParser {
  let parser: Parser | null = null;
  return {
    format: "terraform",
    names: /\.tf$/,
    detect: (text) => CONTENT.test(text),
    async init() {
      await loadHcl();
      parser ??= newHclParser();
    },
    parse: (text, file) => parseTerraform(parser, text, file),
    parseUnit: (files) => parseTerraformModule(parser, files),
  };
}

export const terraform: FormatParser = createTerraformParser();
