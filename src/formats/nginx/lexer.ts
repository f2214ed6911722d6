/**
 * nginx tokenizer in the spirit of crossplane's lexer: words, quoted strings, `;{}` and
 * comments, each with the line it starts on. `*_by_lua_block` bodies are kept as one raw token.
 */

export interface Token {
  /** The word with quotes removed and escapes resolved. */
  value: string;
  line: number;
  /** true for `;`, `{` and `}` outside quotes; a quoted "{" is a plain word. */
  special: boolean;
  quoted: boolean;
}

export interface LexError {
  message: string;
  line: number;
  endLine?: number;
}

export interface LexResult {
  tokens: Token[];
  errors: LexError[];
}

const SPECIAL = new Set([";", "{", "}"]);
const SPACE = new Set([" ", "\t", "\r", "\n", "\f", "\v"]);

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;

  const push = (value: string, startLine: number, special = false, quoted = false) =>
    tokens.push({ value, line: startLine, special, quoted });

  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      const prev = tokens[tokens.length - 1];
      i++;
      if (c === "{" && prev && !prev.special && prev.value.endsWith("_by_lua_block")) {
        // Like crossplane: the Lua body becomes the directive's one argument, not a block.
        const raw = readLuaBlock(text, i, line);
        if (raw.error) errors.push(raw.error);
        push(raw.body, line, false, true);
        push(";", raw.line, true);
        line = raw.line;
        i = raw.end;
        continue;
      }
      push(c, line, true);
      continue;
    }
    if (c === '"' || c === "'") {
      const startLine = line;
      let value = "";
      i++;
      let closed = false;
      while (i < n) {
        const d = text[i]!;
        if (d === "\\" && i + 1 < n) {
          const e = text[i + 1]!;
          // nginx keeps the backslash unless it escapes the quote or another backslash.
          value += e === c || e === "\\" ? e : d + e;
          if (e === "\n") line++;
          i += 2;
          continue;
        }
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        if (d === "\n") line++;
        value += d;
        i++;
      }
      if (!closed) {
        errors.push({ message: "unexpected end of file: unterminated quoted string", line: startLine });
        break;
      }
      push(value, startLine, false, true);
      continue;
    }
    const startLine = line;
    let value = "";
    while (i < n) {
      const d = text[i]!;
      if (SPACE.has(d) || d === ";" || d === "}") break;
      if (d === "{") {
        // `${var}` keeps its braces inside the word instead of opening a block.
        if (!value.endsWith("$")) break;
        const close = text.indexOf("}", i);
        if (close < 0) break;
        value += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      if (d === "\\" && i + 1 < n) {
        value += d + text[i + 1];
        if (text[i + 1] === "\n") line++;
        i += 2;
        continue;
      }
      value += d;
      i++;
    }
    push(value, startLine);
  }
  return { tokens, errors };
}

interface LuaBlock {
  body: string;
  end: number;
  line: number;
  error?: LexError;
}

/** Lua bodies contain braces and quotes that are not nginx syntax: balance them raw. */
function readLuaBlock(text: string, start: number, startLine: number): LuaBlock {
  let depth = 1;
  let i = start;
  let line = startLine;
  let quote: string | null = null;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "-" && text[i + 1] === "-") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    } else if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return { body: text.slice(start, i), end: i + 1, line };
    }
    i++;
  }
  return {
    body: text.slice(start),
    end: text.length,
    line,
    error: { message: 'unexpected end of file, expecting "}" to close the lua block', line: startLine },
  };
}
