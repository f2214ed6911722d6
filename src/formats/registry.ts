/** What every format parser provides: which files it reads, how it recognises them, how it parses. */
import type { Format, Model } from "../model/types.js";

export interface FormatParser {
  format: Format;
  /** Paths that may hold this format; only these are opened without a policy mapping. */
  names: RegExp;
  /** Whether the content is this format (asked only for paths that match `names`). */
  detect(text: string): boolean;
  parse(text: string, file: string): Model;
  /** Files read together as one unit (a Terraform module directory), when the format has such units. */
  parseUnit?(files: readonly { path: string; text: string }[]): Model[];
  /** One-time asynchronous set-up (e.g. loading a WebAssembly grammar), done at the edges. */
  init?(): Promise<void>;
}
