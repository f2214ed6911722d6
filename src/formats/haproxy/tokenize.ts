/**
 * HAProxy's line tokenizer, following `parse_line()` in haproxy's src/tools.c (2.6):
 * words split on unquoted whitespace, `#` comments, double and single quotes, backslash
 * escapes, and `$VAR` / `${VAR}` references inside double quotes.
 */

export interface Word {
  /** The word after unquoting and unescaping. Environment references stay as written. */
  text: string;
  /** The word exactly as it appears in the file. */
  raw: string;
}

export interface TokenizedLine {
  /** 1-based line number. */
  line: number;
  words: Word[];
  /** Why HAProxy would reject the line's syntax; the words are then unreliable. */
  error?: string;
}

/** HAProxy's MAX_LINE_ARGS: a line with more words is rejected. */
const MAX_WORDS = 64;

/** C's isspace() in the C locale, minus the line terminators handled separately. */
const SPACE = new Set([" ", "\t", "\v", "\f"]);

const SIMPLE_ESCAPES: Record<string, string> = { " ": " ", "\\": "\\", t: "\t", n: "\n", r: "\r", "#": "#" };

interface State {
  src: string;
  pos: number;
  squote: boolean;
  dquote: boolean;
  text: string;
  start: number;
  words: Word[];
}

export function tokenize(source: string): TokenizedLine[] {
  const out: TokenizedLine[] = [];
  source.split("\n").forEach((raw, i) => {
    const { words, error } = tokenizeLine(raw);
    if (words.length > 0 || error) out.push({ line: i + 1, words, ...(error ? { error } : {}) });
  });
  return out;
}

export function tokenizeLine(src: string): { words: Word[]; error?: string } {
  const st: State = { src, pos: 0, squote: false, dquote: false, text: "", start: -1, words: [] };
  skipSpaces(st);
  let quoteAt = -1;
  while (st.pos < src.length) {
    const c = src[st.pos]!;
    // '\0' and '\r' end the line for HAProxy, whatever follows them.
    if (c === "\0" || c === "\r") break;
    if (c === "#" && !st.squote && !st.dquote) break;
    if (SPACE.has(c) && !st.squote && !st.dquote) {
      endWord(st);
      skipSpaces(st);
      continue;
    }
    mark(st);
    if ((c === '"' && !st.squote) || (c === "'" && !st.dquote)) {
      if (c === '"') st.dquote = !st.dquote;
      else st.squote = !st.squote;
      quoteAt = st.squote || st.dquote ? st.pos : -1;
      st.pos++;
      continue;
    }
    const error = c === "\\" && !st.squote ? backslash(st) : c === "$" && st.dquote ? envReference(st) : literal(st);
    if (error) return { words: st.words, error };
  }
  if (quoteAt >= 0) return { words: st.words, error: `unmatched quote at position ${quoteAt + 1}` };
  // Like HAProxy, a trailing empty word (e.g. `""` at the end of a line) is not counted.
  if (st.text !== "") endWord(st);
  if (st.words.length > MAX_WORDS) return { words: st.words, error: `too many words (more than ${MAX_WORDS})` };
  return { words: st.words };
}

function skipSpaces(st: State): void {
  while (st.pos < st.src.length && SPACE.has(st.src[st.pos]!)) st.pos++;
}

function mark(st: State): void {
  if (st.start < 0) st.start = st.pos;
}

function endWord(st: State): void {
  if (st.start < 0) return;
  st.words.push({ text: st.text, raw: st.src.slice(st.start, st.pos) });
  st.text = "";
  st.start = -1;
}

function literal(st: State): undefined {
  st.text += st.src[st.pos++];
  return undefined;
}

function backslash(st: State): string | undefined {
  const next = st.src[st.pos + 1] ?? "";
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined || next === "'" || next === '"' || (next === "$" && st.dquote)) {
    st.text += simple ?? next;
    st.pos += 2;
    return undefined;
  }
  if (next === "x") {
    const hex = st.src.slice(st.pos + 2, st.pos + 4);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return `truncated or invalid hexadecimal sequence at position ${st.pos + 1}`;
    st.text += String.fromCharCode(Number.parseInt(hex, 16));
    st.pos += 4;
    return undefined;
  }
  // Any other backslash is an ordinary character (e.g. `\1` in a regex).
  return literal(st);
}

/**
 * `$NAME`, `${NAME}` or `${NAME-default}` inside double quotes. The value is only known when
 * HAProxy starts, so a reference is kept as written, except that one with a default reads as its
 * default: the value a reviewer can see (see `fromEnvironment`).
 */
function envReference(st: State): string | undefined {
  const rest = st.src.slice(st.pos);
  const braced = rest.startsWith("${");
  const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*|\.[A-Za-z0-9_]*)/.exec(rest);
  if (!name) return `forbidden first char in environment variable name at position ${st.pos + 2}`;
  // Names starting with a dot are HAProxy's own pseudo-variables; only these three exist.
  if (name[1]!.startsWith(".") && ![".LINE", ".FILE", ".SECTION"].includes(name[1]!)) {
    return `unsupported internal variable name '${name[1]}'`;
  }
  let end = name[0].length;
  if (braced) {
    const close = rest.indexOf("}", end);
    if (close < 0 || !/^(\[\*\])?(-[^}]*)?$/.test(rest.slice(end, close))) {
      return `unmatched brace in environment variable name at position ${st.pos + 2}`;
    }
    const fallback = /^(?:\[\*\])?-(.*)$/.exec(rest.slice(end, close));
    end = close + 1;
    if (fallback) {
      st.text += fallback[1];
      st.pos += end;
      return undefined;
    }
  }
  st.text += rest.slice(0, end);
  st.pos += end;
  return undefined;
}
