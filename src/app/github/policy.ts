/**
 * The policy that judges a pull request comes from its base branch, never its head: a PR cannot
 * loosen its own review. Whether the file exists is read from the base commit's tree, so a
 * failed read is never taken for "no policy": only a file absent from the tree means the
 * default. `_extends` (Probot's config convention) and the organization's `.github` repository
 * supply defaults; `_extends` may name only the same organization, or those the operator lists
 * in LB_REVIEW_EXTENDS_ORGS.
 */
import { type LoadedPolicy, loadPolicy, loadPolicyData, POLICY_PATH } from "../../policy/load.js";
import type { RepoGitHub } from "./context.js";
import { NotEvaluated } from "./octokit.js";
import { type BlobCache, blobText, type Tree } from "./tree.js";

export async function loadBasePolicy(gh: RepoGitHub, commit: string, tree: Tree, cache: BlobCache): Promise<LoadedPolicy> {
  const sha = tree.get(POLICY_PATH);
  const own = sha === undefined ? null : await blobText(gh, sha, cache);
  // A self-contained file is validated from its text, so every error names its line.
  if (own !== null && !/^_extends\s*:/m.test(own)) return loadPolicy(own, POLICY_PATH);
  if (own !== null) checkExtends(own, gh.ref.owner);
  const config = await gh.inheritedConfig(POLICY_PATH, commit);
  if (own === null && Object.keys(config).length === 0) return loadPolicy(null);
  const { _extends: _ignored, ...merged } = config as Record<string, unknown>;
  return loadPolicyData(merged, POLICY_PATH);
}

/** `_extends: repo`, `owner/repo` or `owner/repo:path`: another owner only when allowed. */
function checkExtends(text: string, owner: string): void {
  const target = /^_extends\s*:\s*["']?([^"'\s#]+)/m.exec(text)?.[1] ?? "";
  const other = target.includes("/") ? target.split("/")[0]!.toLowerCase() : owner.toLowerCase();
  const allowed = new Set([owner.toLowerCase(), ...(process.env.LB_REVIEW_EXTENDS_ORGS ?? "").split(",").map((o) => o.trim().toLowerCase()).filter(Boolean)]);
  if (!allowed.has(other)) {
    throw new NotEvaluated(`\`${POLICY_PATH}\` extends \`${target}\`, outside the organization \`${owner}\`; the operator can allow it with LB_REVIEW_EXTENDS_ORGS`);
  }
}
