/** `_extends` across organisations: refused by default, allowed when the operator lists the organisation. */
import { afterEach, describe, expect, it } from "vitest";
import { loadBasePolicy } from "../../src/app/github/policy.js";
import { BlobCache, readTree } from "../../src/app/github/tree.js";
import { FakeGitHub } from "./fake-github.js";

afterEach(() => {
  delete process.env.LB_REVIEW_EXTENDS_ORGS;
});

describe("_extends", () => {
  const setup = () => {
    const gh = new FakeGitHub();
    const commit = gh.commit({ ".github/lb-review.yml": "_extends: platform/.github\n" });
    gh.inheritedConfig = async () => ({ approvals: { critical: { count: 3, teams: ["sre"] } } });
    return { gh, commit };
  };

  it("to another organisation is refused without LB_REVIEW_EXTENDS_ORGS", async () => {
    const { gh, commit } = setup();
    await expect(loadBasePolicy(gh, commit, await readTree(gh, commit), new BlobCache())).rejects.toThrow("outside the organization `acme`");
  });

  it("is followed when the operator allows that organisation", async () => {
    process.env.LB_REVIEW_EXTENDS_ORGS = "other, platform";
    const { gh, commit } = setup();
    const policy = await loadBasePolicy(gh, commit, await readTree(gh, commit), new BlobCache());
    expect(policy.diagnostics).toEqual([]);
    expect(policy.policy.approvals.critical).toMatchObject({ count: 3, teams: ["sre"] });
  });
});
