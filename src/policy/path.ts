/** Where the policy file lives in a repository. */
export const POLICY_PATH = ".github/lb-review.yml";
