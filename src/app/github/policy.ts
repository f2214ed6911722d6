/**
 * The policy that judges a pull request comes from its base branch, never its head: a PR cannot
 * loosen its own review. `_extends` (Probot's config convention) and the organization's
 * `.github` repository supply defaults.
 */
import { type LoadedPolicy, loadPolicy, loadPolicyData, POLICY_PATH } from "../../policy/load.js";
import { isStatus, type Octokit, type RepoRef } from "./octokit.js";

export async function loadBasePolicy(octokit: Octokit, ref: RepoRef, branch: string): Promise<LoadedPolicy> {
  const own = await rawFile(octokit, ref, POLICY_PATH, branch);
  // A self-contained file is validated from its text, so every error names its line.
  if (own !== null && !/^_extends\s*:/m.test(own)) return loadPolicy(own, POLICY_PATH);
  const { config } = await octokit.config.get({ ...ref, path: POLICY_PATH, branch });
  if (own === null && Object.keys(config).length === 0) return loadPolicy(null);
  const { _extends: _ignored, ...merged } = config as Record<string, unknown>;
  return loadPolicyData(merged, POLICY_PATH);
}

async function rawFile(octokit: Octokit, ref: RepoRef, path: string, branch: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...ref, path, ref: branch, mediaType: { format: "raw" } });
    return typeof data === "string" ? data : Buffer.from(data as unknown as ArrayBuffer).toString("utf8");
  } catch (e) {
    if (isStatus(e, 404)) return null;
    throw e;
  }
}
