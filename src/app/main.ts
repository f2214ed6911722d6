/** `npm start`: the app under Probot's own server, configured by the standard environment. */
import { run } from "probot";
import { createApp } from "./app.js";
import { AppOctokit } from "./octokit.js";

await run(createApp(), { Octokit: AppOctokit });
