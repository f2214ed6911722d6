/**
 * `npm run demo`: the GitHub App end to end, with no GitHub account. A local GitHub emulator
 * hosts acme/shop; the app runs behind a real HTTP server and receives signed webhooks for the
 * postmortem's pull request, then two approvals from @acme/network.
 */
import { incidentPull, lastCheck, startHarness } from "../test/app/harness.js";

const h = await startHarness();
const rule = (title: string) => console.log(`\n${"═".repeat(100)}\n${title}\n${"═".repeat(100)}`);
try {
  const n = incidentPull(h.gh);
  rule(`acme/shop#${n} "Maintenance: drain storefront 12-14" by @alice: lb/storefront.conf marks 3 of 4 servers down`);
  await h.send(h.gh.pullRequestEvent("opened", "acme", "shop", n));
  const check = lastCheck(h.gh)!;
  console.log(`Check run "lb-review": ${check.status} / ${check.conclusion}\nTitle: ${check.output.title}\n\nAnnotations:`);
  for (const a of check.annotations) console.log(`  ${a.annotation_level.padEnd(8)} ${a.path}:${a.start_line}  ${a.message}`);
  rule("Summary comment on the pull request");
  console.log(h.gh.issueComments("acme", "shop", n)[0]?.body.replace(/^<!--.*-->\n/gm, ""));
  rule("Inline review comments");
  for (const c of h.gh.reviewComments("acme", "shop", n)) console.log(`  ${c.path}:${c.line ?? "(file)"}  ${c.body.split("\n")[0]}`);
  console.log(`Review requested from: ${h.gh.requestsTo("POST", /requested_reviewers$/).map((r) => JSON.stringify(r.body)).join(", ")}`);

  for (const user of ["bob", "carol"]) {
    const id = h.gh.submitReview("acme", "shop", n, { user, state: "APPROVED" });
    await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id));
    const now = lastCheck(h.gh)!;
    rule(`@${user} (team network) approves → check "${now.conclusion}": ${now.output.title}`);
  }
  rule("Audit log (one JSON line per evaluation)");
  for (const a of h.audit) console.log(JSON.stringify({ ...a, findings: a.findings?.length }));
} finally {
  await h.close();
}
