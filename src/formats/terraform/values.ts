/**
 * Static evaluation of the literal part of Terraform: literals, variables' literal defaults,
 * locals, resources' count/for_each (as lists/maps of unknown instances), a few pure functions and
 * operators. Anything else is UNKNOWN: shown as unknown downstream, never guessed.
 */
import type { Block, Expr, Step } from "./hcl.js";

export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export class ListValue {
  constructor(
    readonly items: Value[],
    readonly isSet = false,
  ) {}
}

export class MapValue {
  constructor(readonly entries: Map<string, Value>) {}
}

export type Value = string | number | boolean | null | Unknown | ListValue | MapValue;

/** Collections larger than this are not built: UNKNOWN instead (e.g. range(1e9)). */
const MAX_ITEMS = 10_000;
/**
 * Work per file: evaluation steps plus the size of every collection built or compared, so a few
 * KB of `toset`, `==` or `for` over large ranges cannot cost seconds. Past it, values are unknown.
 */
export const WORK_BUDGET = 2_000_000;

/** Counts work; once over the budget everything evaluates to UNKNOWN. */
export class Meter {
  used = 0;

  constructor(private readonly budget = WORK_BUDGET) {}

  /** Adds `n` units; false once the budget is spent. */
  charge(n: number): boolean {
    this.used += n;
    return this.used <= this.budget;
  }
}

export interface ModuleIndex {
  variables: Map<string, Block>;
  locals: Map<string, Expr>;
  /** "type.name" → resource block. */
  resources: Map<string, Block>;
}

export function indexModule(body: Block): ModuleIndex {
  const index: ModuleIndex = { variables: new Map(), locals: new Map(), resources: new Map() };
  for (const b of body.blocks) {
    if (b.type === "variable" && b.labels.length === 1) index.variables.set(b.labels[0]!, b);
    else if (b.type === "locals") for (const a of b.attributes) index.locals.set(a.name, a.expr);
    else if (b.type === "resource" && b.labels.length === 2) index.resources.set(`${b.labels[0]}.${b.labels[1]}`, b);
  }
  return index;
}

type Scope = ReadonlyMap<string, Value>;
const EMPTY: Scope = new Map();

export class Evaluator {
  private readonly localValues = new Map<string, Value>();
  private readonly resourceValues = new Map<string, Value>();
  private readonly inProgress = new Set<string>();
  constructor(
    private readonly module: ModuleIndex,
    private readonly meter = new Meter(),
  ) {}

  eval(e: Expr, scope: Scope = EMPTY): Value {
    if (!this.meter.charge(1)) return UNKNOWN;
    const v = this.evalOnce(e, scope);
    // A collection costs its size: building or passing one on is work.
    if (v instanceof ListValue && !this.meter.charge(v.items.length)) return UNKNOWN;
    if (v instanceof MapValue && !this.meter.charge(v.entries.size)) return UNKNOWN;
    return v;
  }

  private evalOnce(e: Expr, scope: Scope): Value {
    switch (e.k) {
      case "lit":
        return e.value;
      case "template":
        return this.template(e.parts, scope);
      case "tuple": {
        const items = e.items.map((x) => this.eval(x, scope));
        return new ListValue(items);
      }
      case "object": {
        const entries = new Map<string, Value>();
        for (const { key, value } of e.items) {
          const k = toStr(this.eval(key, scope));
          if (k === null) return UNKNOWN;
          entries.set(k, this.eval(value, scope));
        }
        return new MapValue(entries);
      }
      case "var":
        return scope.has(e.name) ? scope.get(e.name)! : UNKNOWN;
      case "path":
        return this.path(e.base, e.steps, scope);
      case "call":
        return e.expand ? UNKNOWN : this.call(e.name, e.args, scope);
      case "cond": {
        const test = this.eval(e.test, scope);
        if (typeof test === "boolean") return this.eval(test ? e.then : e.else, scope);
        const a = this.eval(e.then, scope);
        const b = this.eval(e.else, scope);
        return isKnown(a) && equal(a, b, this.meter) === true ? a : UNKNOWN;
      }
      case "unary": {
        const v = this.eval(e.arg, scope);
        if (e.op === "!") return typeof v === "boolean" ? !v : UNKNOWN;
        const n = toNumber(v);
        return n === null ? UNKNOWN : -n;
      }
      case "binary":
        return this.binary(e.op, e.left, e.right, scope);
      case "for":
        return this.forExpr(e, scope);
      default:
        return UNKNOWN;
    }
  }

  /** A variable's default, when it is literal (defaults cannot reference anything else). */
  variable(name: string): Value {
    const block = this.module.variables.get(name);
    const def = block?.attributes.find((a) => a.name === "default");
    return def ? this.eval(def.expr) : UNKNOWN;
  }

  local(name: string): Value {
    return this.memo(`local.${name}`, this.localValues, name, () => {
      const expr = this.module.locals.get(name);
      return expr ? this.eval(expr) : UNKNOWN;
    });
  }

  /** A resource as an expression: a list per count, a map per for_each, else one unknown object. */
  resource(type: string, name: string): Value {
    const id = `${type}.${name}`;
    return this.memo(`resource.${id}`, this.resourceValues, id, () => {
      const block = this.module.resources.get(id);
      if (!block) return UNKNOWN;
      const count = block.attributes.find((a) => a.name === "count");
      if (count) {
        const n = countValue(this.eval(count.expr));
        return n === null ? UNKNOWN : new ListValue(Array.from({ length: n }, () => UNKNOWN));
      }
      const forEach = block.attributes.find((a) => a.name === "for_each");
      if (forEach) {
        const keys = forEachKeys(this.eval(forEach.expr));
        return keys === null ? UNKNOWN : new MapValue(new Map(keys.map((k) => [k, UNKNOWN])));
      }
      return UNKNOWN;
    });
  }

  private memo(guard: string, cache: Map<string, Value>, key: string, compute: () => Value): Value {
    if (cache.has(key)) return cache.get(key)!;
    if (this.inProgress.has(guard)) return UNKNOWN;
    this.inProgress.add(guard);
    try {
      const v = compute();
      cache.set(key, v);
      return v;
    } finally {
      this.inProgress.delete(guard);
    }
  }

  private template(parts: (string | Expr)[], scope: Scope): Value {
    let out = "";
    for (const p of parts) {
      if (typeof p === "string") {
        out += p;
        continue;
      }
      const s = toStr(this.eval(p, scope));
      if (s === null) return UNKNOWN;
      out += s;
    }
    return out;
  }

  private path(base: Expr, steps: Step[], scope: Scope): Value {
    let value: Value;
    let rest = steps;
    const first = steps[0];
    if (base.k === "var" && !scope.has(base.name) && first?.k === "attr") {
      rest = steps.slice(1);
      switch (base.name) {
        case "var":
          value = this.variable(first.name);
          break;
        case "local":
          value = this.local(first.name);
          break;
        case "count":
        case "each":
        case "self":
        case "path":
        case "terraform":
        case "data":
        case "module":
          return UNKNOWN;
        default:
          value = this.resource(base.name, first.name);
      }
    } else {
      value = this.eval(base, scope);
    }
    for (const s of rest) {
      value = this.step(value, s, scope);
      if (value === UNKNOWN) return UNKNOWN;
    }
    return value;
  }

  private step(value: Value, s: Step, scope: Scope): Value {
    if (s.k === "splat") return UNKNOWN;
    const key = s.k === "attr" ? s.name : this.eval(s.key, scope);
    if (value instanceof MapValue) {
      const k = toStr(key);
      return k !== null && value.entries.has(k) ? value.entries.get(k)! : UNKNOWN;
    }
    if (value instanceof ListValue && !value.isSet) {
      const i = toNumber(key);
      return i !== null && Number.isInteger(i) && i >= 0 && i < value.items.length ? value.items[i]! : UNKNOWN;
    }
    return UNKNOWN;
  }

  private binary(op: string, l: Expr, r: Expr, scope: Scope): Value {
    const a = this.eval(l, scope);
    if (op === "&&" && a === false) return false;
    if (op === "||" && a === true) return true;
    const b = this.eval(r, scope);
    switch (op) {
      case "&&":
      case "||":
        if (typeof a !== "boolean" || typeof b !== "boolean") return UNKNOWN;
        return op === "&&" ? a && b : a || b;
      case "==":
      case "!=": {
        const eq = equal(a, b, this.meter);
        return eq === null ? UNKNOWN : op === "==" ? eq : !eq;
      }
    }
    const x = toNumber(a);
    const y = toNumber(b);
    if (x === null || y === null) return UNKNOWN;
    switch (op) {
      case "+":
        return x + y;
      case "-":
        return x - y;
      case "*":
        return x * y;
      case "/":
        return y === 0 ? UNKNOWN : x / y;
      case "%":
        return y === 0 ? UNKNOWN : x % y;
      case ">":
        return x > y;
      case ">=":
        return x >= y;
      case "<":
        return x < y;
      case "<=":
        return x <= y;
      default:
        return UNKNOWN;
    }
  }

  private forExpr(e: Extract<Expr, { k: "for" }>, scope: Scope): Value {
    if (e.grouping) return UNKNOWN;
    const coll = this.eval(e.coll, scope);
    let pairs: [Value, Value][];
    if (coll instanceof ListValue) pairs = coll.items.map((v, i) => [coll.isSet ? v : i, v]);
    else if (coll instanceof MapValue) pairs = [...coll.entries].map(([k, v]) => [k, v]);
    else return UNKNOWN;
    const items: Value[] = [];
    const entries = new Map<string, Value>();
    for (const [k, v] of pairs) {
      const inner = new Map(scope);
      if (e.keyVar !== null) inner.set(e.keyVar, k);
      inner.set(e.valVar, v);
      if (e.cond) {
        const keep = this.eval(e.cond, inner);
        if (typeof keep !== "boolean") return UNKNOWN;
        if (!keep) continue;
      }
      if (e.object) {
        const key = toStr(this.eval(e.key!, inner));
        if (key === null || entries.has(key)) return UNKNOWN;
        entries.set(key, this.eval(e.value, inner));
      } else {
        items.push(this.eval(e.value, inner));
      }
    }
    return e.object ? new MapValue(entries) : new ListValue(items);
  }

  private call(name: string, argExprs: Expr[], scope: Scope): Value {
    if (name === "try") {
      // try() returns its first argument that evaluates without error; an unknown one may error.
      const first = argExprs[0];
      if (!first) return UNKNOWN;
      const v = this.eval(first, scope);
      return isKnown(v) ? v : UNKNOWN;
    }
    const args = argExprs.map((a) => this.eval(a, scope));
    return callFunction(name, args, this.meter);
  }
}

export function isKnown(v: Value): boolean {
  if (v === UNKNOWN) return false;
  if (v instanceof ListValue) return v.items.every(isKnown);
  if (v instanceof MapValue) return [...v.entries.values()].every(isKnown);
  return true;
}

export function toNumber(v: Value): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

export function toStr(v: Value): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return null;
}

/** null when unknown, or when comparing costs more than the budget left. */
function equal(a: Value, b: Value, meter: Meter): boolean | null {
  if (!meter.charge(1)) return null;
  if (a === UNKNOWN || b === UNKNOWN) return null;
  if (a instanceof ListValue || b instanceof ListValue) {
    if (!(a instanceof ListValue && b instanceof ListValue)) return false;
    if (a.items.length !== b.items.length) return false;
    let all: boolean | null = true;
    a.items.forEach((x, i) => {
      const eq = equal(x, b.items[i]!, meter);
      if (eq === false) all = false;
      else if (eq === null && all) all = null;
    });
    return all;
  }
  if (a instanceof MapValue || b instanceof MapValue) {
    if (!(a instanceof MapValue && b instanceof MapValue)) return false;
    if (a.entries.size !== b.entries.size) return false;
    let all: boolean | null = true;
    for (const [k, v] of a.entries) {
      if (!b.entries.has(k)) return false;
      const eq = equal(v, b.entries.get(k)!, meter);
      if (eq === false) return false;
      if (eq === null) all = null;
    }
    return all;
  }
  return a === b;
}

/** count: a whole number 0..MAX_ITEMS; null when unknown or invalid. */
export function countValue(v: Value): number | null {
  const n = toNumber(v);
  return n !== null && Number.isInteger(n) && n >= 0 && n <= MAX_ITEMS ? n : null;
}

/** for_each: the instance keys of a map or a set of strings; null when unknown or not allowed. */
export function forEachKeys(v: Value): string[] | null {
  if (v instanceof MapValue) return [...v.entries.keys()];
  if (v instanceof ListValue && v.isSet) {
    const keys = v.items.map(toStr);
    return keys.every((k): k is string => k !== null) ? keys : null;
  }
  return null;
}

function list(v: Value): Value[] | null {
  if (v instanceof ListValue) return v.items;
  return null;
}

/** Distinct known items, in order: linear, through each item's canonical text. */
function makeSet(items: Value[], meter: Meter): Value {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const x of items) {
    if (!isKnown(x)) return UNKNOWN;
    const key = canonical(x, meter);
    if (key === null) return UNKNOWN;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(x);
    }
  }
  return new ListValue(out, true);
}

/** A text equal for equal values (null past the budget). */
function canonical(v: Value, meter: Meter): string | null {
  if (!meter.charge(1)) return null;
  if (v instanceof ListValue) {
    const parts = v.items.map((x) => canonical(x, meter));
    return parts.includes(null) ? null : `[${parts.join(",")}]`;
  }
  if (v instanceof MapValue) {
    const parts: string[] = [];
    for (const [k, x] of [...v.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const inner = canonical(x, meter);
      if (inner === null) return null;
      parts.push(`${JSON.stringify(k)}:${inner}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v);
}

function callFunction(name: string, args: Value[], meter: Meter): Value {
  const [a, b, c] = args;
  switch (name) {
    case "length": {
      if (a instanceof ListValue) return a.items.length;
      if (a instanceof MapValue) return a.entries.size;
      if (typeof a === "string") return [...a].length;
      return UNKNOWN;
    }
    case "toset": {
      const items = a === undefined ? null : list(a);
      return items ? makeSet(items, meter) : UNKNOWN;
    }
    case "tolist": {
      const items = a === undefined ? null : list(a);
      return items ? new ListValue(items) : UNKNOWN;
    }
    case "tomap":
      return a instanceof MapValue ? a : UNKNOWN;
    case "lookup": {
      if (!(a instanceof MapValue)) return UNKNOWN;
      const k = b === undefined ? null : toStr(b);
      if (k === null) return UNKNOWN;
      if (a.entries.has(k)) return a.entries.get(k)!;
      return c === undefined ? UNKNOWN : c;
    }
    case "keys":
      return a instanceof MapValue ? new ListValue([...a.entries.keys()].sort()) : UNKNOWN;
    case "values":
      return a instanceof MapValue ? new ListValue([...a.entries].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v)) : UNKNOWN;
    case "concat": {
      const lists = args.map(list);
      if (lists.some((l) => l === null)) return UNKNOWN;
      const items = lists.flatMap((l) => l!);
      return items.length > MAX_ITEMS ? UNKNOWN : new ListValue(items);
    }
    case "merge": {
      const entries = new Map<string, Value>();
      for (const m of args) {
        if (m === null) continue;
        if (!(m instanceof MapValue)) return UNKNOWN;
        for (const [k, v] of m.entries) entries.set(k, v);
      }
      return new MapValue(entries);
    }
    case "range": {
      const nums = args.map(toNumber);
      if (nums.length === 0 || nums.length > 3 || nums.some((n) => n === null)) return UNKNOWN;
      const [start, end, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? (nums[0]! <= nums[1]! ? 1 : -1)];
      if (step === 0 || Math.abs((end - start) / step) > MAX_ITEMS) return UNKNOWN;
      const items: Value[] = [];
      for (let x = start; step > 0 ? x < end : x > end; x += step) items.push(x);
      return new ListValue(items);
    }
    case "coalesce": {
      for (const x of args) {
        if (x === UNKNOWN) return UNKNOWN;
        if (x !== null && x !== "") return x;
      }
      return UNKNOWN;
    }
    case "min":
    case "max": {
      const nums = args.map(toNumber);
      if (nums.length === 0 || nums.some((n) => n === null)) return UNKNOWN;
      return name === "min" ? Math.min(...(nums as number[])) : Math.max(...(nums as number[]));
    }
    case "sum": {
      const items = a === undefined ? null : list(a);
      const nums = items?.map(toNumber);
      if (!nums || nums.length === 0 || nums.some((n) => n === null)) return UNKNOWN;
      return (nums as number[]).reduce((s, n) => s + n, 0);
    }
    case "abs":
    case "ceil":
    case "floor": {
      const n = a === undefined ? null : toNumber(a);
      if (n === null) return UNKNOWN;
      return name === "abs" ? Math.abs(n) : name === "ceil" ? Math.ceil(n) : Math.floor(n);
    }
    case "tonumber": {
      if (a === null) return null;
      const n = a === undefined ? null : toNumber(a);
      return n === null ? UNKNOWN : n;
    }
    case "tostring": {
      if (a === null) return null;
      const s = a === undefined ? null : toStr(a);
      return s === null ? UNKNOWN : s;
    }
    case "lower":
    case "upper":
      return typeof a === "string" ? (name === "lower" ? a.toLowerCase() : a.toUpperCase()) : UNKNOWN;
    case "element": {
      const items = a === undefined ? null : list(a);
      const i = b === undefined ? null : toNumber(b);
      if (!items || items.length === 0 || i === null || !Number.isInteger(i) || i < 0) return UNKNOWN;
      return items[i % items.length]!;
    }
    case "contains": {
      const items = a === undefined ? null : list(a);
      if (!items || b === undefined) return UNKNOWN;
      let unknown = false;
      for (const x of items) {
        const eq = equal(x, b, meter);
        if (eq === true) return true;
        if (eq === null) unknown = true;
      }
      return unknown ? UNKNOWN : false;
    }
    case "distinct": {
      const items = a === undefined ? null : list(a);
      const set = items ? makeSet(items, meter) : UNKNOWN;
      return set instanceof ListValue ? new ListValue(set.items) : UNKNOWN;
    }
    case "flatten": {
      const out: Value[] = [];
      const walk = (v: Value): boolean => {
        if (v instanceof ListValue) return v.items.every(walk);
        if (v === UNKNOWN) return false;
        out.push(v);
        return out.length <= MAX_ITEMS;
      };
      return a !== undefined && a instanceof ListValue && walk(a) ? new ListValue(out) : UNKNOWN;
    }
    case "compact": {
      const items = a === undefined ? null : list(a);
      if (!items || !items.every(isKnown)) return UNKNOWN;
      return new ListValue(items.filter((x) => x !== null && x !== ""));
    }
    case "join": {
      const sep = a === undefined ? null : toStr(a);
      const items = b === undefined ? null : list(b);
      const strs = items?.map(toStr);
      if (sep === null || !strs || strs.some((s) => s === null)) return UNKNOWN;
      return strs.join(sep);
    }
    case "zipmap": {
      const ks = a === undefined ? null : list(a);
      const vs = b === undefined ? null : list(b);
      if (!ks || !vs || ks.length !== vs.length) return UNKNOWN;
      const entries = new Map<string, Value>();
      for (let i = 0; i < ks.length; i++) {
        const k = toStr(ks[i]!);
        if (k === null) return UNKNOWN;
        entries.set(k, vs[i]!);
      }
      return new MapValue(entries);
    }
    default:
      return UNKNOWN;
  }
}
