/** Public entry point of the GitHub emulator (see README.md). */
export * from "./limits.js";
export { type EmulatorOptions, GitHubEmulator, type RecordedRequest } from "./server.js";
export type { Annotation, CheckRun, IssueComment, MembershipState, Permission, PullFile, ReviewComment } from "./state.js";
export { asProbotEvent, example, type PullRequestAction, sendWebhook, type WebhookEvent } from "./webhooks.js";
export { createTestProbot, gheEnv, TestOctokit, testPrivateKey } from "./probot.js";
