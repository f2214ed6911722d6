/**
 * nginx parse tree, crossplane-style: each directive has a name, args, the line it starts on,
 * the line it ends on, and a block of child directives when it opens one.
 */
import { type LexError, lex, type Token } from "./lexer.js";

export interface Directive {
  name: string;
  args: string[];
  line: number;
  endLine: number;
  block?: Directive[];
}

export interface TreeResult {
  directives: Directive[];
  errors: LexError[];
}

export function parseTree(text: string): TreeResult {
  const { tokens, errors } = lex(text);
  const state = { pos: 0, tokens, errors };
  const { directives } = parseBlock(state, 0);
  return { directives, errors };
}

interface State {
  pos: number;
  tokens: Token[];
  errors: LexError[];
}

/** Reads directives until the matching "}" (closed) or the end of input. */
function parseBlock(s: State, depth: number): { directives: Directive[]; closed: boolean } {
  const out: Directive[] = [];
  while (s.pos < s.tokens.length) {
    const head = s.tokens[s.pos]!;
    if (head.special) {
      s.pos++;
      if (head.value === "}") {
        if (depth > 0) return { directives: out, closed: true };
        s.errors.push({ message: 'unexpected "}"', line: head.line });
        continue;
      }
      s.errors.push({ message: `unexpected "${head.value}"`, line: head.line });
      continue;
    }
    const directive: Directive = { name: head.value, args: [], line: head.line, endLine: head.line };
    s.pos++;
    let terminated = false;
    while (s.pos < s.tokens.length) {
      const t = s.tokens[s.pos]!;
      s.pos++;
      if (!t.special) {
        directive.args.push(t.value);
        continue;
      }
      directive.endLine = t.line;
      if (t.value === ";") {
        terminated = true;
      } else if (t.value === "{") {
        const inner = parseBlock(s, depth + 1);
        directive.block = inner.directives;
        directive.endLine = s.tokens[s.pos - 1]?.line ?? directive.line;
        if (!inner.closed) {
          s.errors.push({ message: `unexpected end of file, expecting "}" to close "${head.value}"`, line: head.line });
          out.push(directive);
          return { directives: out, closed: false };
        }
        terminated = true;
      } else {
        // A "}" ends the enclosing block: this directive lacked its ";". nginx reports the "}".
        s.pos--;
        s.errors.push({ message: `directive "${head.value}" is not terminated by ";"`, line: directive.line, endLine: t.line });
        terminated = true;
      }
      break;
    }
    if (!terminated) {
      s.errors.push({
        message: `unexpected end of file, expecting ";" or "}" after "${head.value}"`,
        line: directive.line,
      });
    }
    out.push(directive);
  }
  return { directives: out, closed: false };
}
