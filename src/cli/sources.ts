/**
 * Where the CLI gets the two versions: a directory, the git working tree, or a git ref.
 * This is the CLI's I/O; the engine only ever sees paths and text.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { SourceFile } from "../engine/analyze.js";

export class UsageError extends Error {}

export interface Side {
  label: string;
  /** Lists every file path (relative, with "/" separators). */
  list(): string[];
  read(paths: string[]): SourceFile[];
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

export function directorySide(dir: string): Side {
  return {
    label: dir,
    list: () => walk(dir, dir),
    read: (paths) => paths.map((path) => ({ path, text: readFileSync(join(dir, path), "utf8") })),
  };
}

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...walk(root, full));
    } else if (entry.isFile()) out.push(relative(root, full).split("\\").join("/"));
  }
  return out.sort();
}

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", input, maxBuffer: 512 * 1024 * 1024, stdio: ["pipe", "pipe", "pipe"] });
}

export function repoRoot(cwd: string): string {
  try {
    return git(cwd, ["rev-parse", "--show-toplevel"]).trim();
  } catch {
    throw new UsageError(`${cwd} is not inside a git repository; pass --base and --head as directories`);
  }
}

/** The working tree as git sees it: tracked files plus untracked ones that are not ignored. */
export function workingTreeSide(root: string): Side {
  return {
    label: "working tree",
    list: () =>
      git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .split("\0")
        .filter((p) => p && existsSync(join(root, p)) && statSync(join(root, p)).isFile()),
    read: (paths) => paths.map((path) => ({ path, text: readFileSync(join(root, path), "utf8") })),
  };
}

export function gitRefSide(root: string, ref: string): Side {
  let commit: string;
  try {
    commit = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(`"${ref}" is neither a directory nor a git ref in ${root}`);
  }
  return {
    label: ref,
    list: () => git(root, ["ls-tree", "-r", "-z", "--name-only", commit]).split("\0").filter(Boolean),
    read: (paths) => readBlobs(root, commit, paths),
  };
}

/** One `git cat-file --batch` for all files instead of a process per file. */
function readBlobs(root: string, commit: string, paths: string[]): SourceFile[] {
  if (paths.length === 0) return [];
  const out = execFileSync("git", ["cat-file", "--batch"], {
    cwd: root,
    input: paths.map((p) => `${commit}:${p}`).join("\n") + "\n",
    maxBuffer: 512 * 1024 * 1024,
  });
  const files: SourceFile[] = [];
  let pos = 0;
  for (const path of paths) {
    const eol = out.indexOf(10, pos);
    const header = out.subarray(pos, eol).toString("utf8").split(" ");
    const size = Number(header[2]);
    pos = eol + 1;
    if (header[1] !== "blob") continue;
    files.push({ path, text: out.subarray(pos, pos + size).toString("utf8") });
    pos += size + 1;
  }
  return files;
}

export function resolveSide(spec: string, cwd: string): Side {
  if (existsSync(spec) && statSync(spec).isDirectory()) return directorySide(spec);
  return gitRefSide(repoRoot(cwd), spec);
}

/** The merge base of HEAD with the default branch (origin's HEAD, else main, else master). */
export function defaultBase(cwd: string): Side {
  const root = repoRoot(cwd);
  const candidates: string[] = [];
  try {
    candidates.push(git(root, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]).trim());
  } catch {
    // No remote HEAD: fall back to the usual names.
  }
  candidates.push("origin/main", "main", "origin/master", "master");
  for (const branch of candidates) {
    try {
      const base = git(root, ["merge-base", "HEAD", branch]).trim();
      if (base) return { ...gitRefSide(root, base), label: `merge-base(HEAD, ${branch})` };
    } catch {
      // Try the next candidate.
    }
  }
  throw new UsageError("cannot find the default branch to compare with; pass --base");
}
