/** ACL conditions (`if` / `unless` ...) of proxy rules, checked the way HAProxy resolves them. */

/** ACLs HAProxy 2.6 defines in every proxy (configuration manual, 7.4). */
const PREDEFINED_ACLS = new Set(
  [
    "FALSE HTTP HTTP_1.0 HTTP_1.1 HTTP_2.0 HTTP_CONTENT HTTP_URL_ABS HTTP_URL_SLASH HTTP_URL_STAR LOCALHOST",
    "METH_CONNECT METH_DELETE METH_GET METH_HEAD METH_OPTIONS METH_POST METH_PUT METH_TRACE RDP_COOKIE",
    "REQ_CONTENT TRUE WAIT_END",
  ]
    .join(" ")
    .split(" "),
);

/** Rules whose condition follows the target name: `use_backend NAME if ...`. */
const NAMED_RULES = new Set(["use_backend", "use-server"]);

/** Rules that may end with a condition. */
const CONDITIONAL_RULES = new Set([
  ...NAMED_RULES,
  "redirect",
  "http-request",
  "http-response",
  "http-after-response",
  "tcp-request",
  "tcp-response",
  "monitor",
  "stick",
  "force-persist",
  "ignore-persist",
  "stats",
]);

const isConditionWord = (w: string) => w === "if" || w === "unless";

/**
 * Index of the `if`/`unless` that starts the rule's condition, if any. Action arguments may
 * themselves be `if` (`http-request set-header X if`), so only an unambiguous one counts.
 */
export function conditionStart(words: string[]): number | undefined {
  const [kw = ""] = words;
  if (!CONDITIONAL_RULES.has(kw)) return undefined;
  if (NAMED_RULES.has(kw)) return isConditionWord(words[2] ?? "") ? 2 : undefined;
  const at = words.flatMap((w, i) => (i > 0 && isConditionWord(w) ? [i] : []));
  return at.length === 1 ? at[0] : undefined;
}

/**
 * What HAProxy would reject in the condition `words` (after `if`/`unless`): every term is an
 * ACL declared earlier in the same proxy, a predefined one, or an anonymous `{ ... }` ACL.
 */
export function conditionProblem(words: string[], declared: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const term = words[i]!.replace(/^!+/, "");
    if (term === "{") {
      i = words.indexOf("}", i + 1);
      if (i < 0) return "missing closing '}' in condition";
    } else if (term !== "" && term !== "||" && term !== "or" && !declared.has(term) && !PREDEFINED_ACLS.has(term)) {
      return `no ACL named '${term}' is declared above in this section`;
    }
  }
  return undefined;
}
