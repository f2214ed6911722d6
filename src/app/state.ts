/** What the badges show, kept in memory: rebuilt by the next push or pull-request event. */
import type { Risk } from "../engine/analyze.js";

export interface PullState {
  risk: Risk;
  approved: number;
  required: number;
  satisfied: boolean;
}

export interface RepoState {
  private: boolean;
  /** Default branch: pools declared, and whether every LB file parses. */
  pools?: number;
  errors?: number;
  pulls: Map<number, PullState>;
}

export class BadgeStore {
  private readonly repos = new Map<string, RepoState>();

  repo(fullName: string, isPrivate: boolean): RepoState {
    const key = fullName.toLowerCase();
    let state = this.repos.get(key);
    if (!state) {
      state = { private: isPrivate, pulls: new Map() };
      this.repos.set(key, state);
    }
    state.private = isPrivate;
    return state;
  }

  get(fullName: string): RepoState | undefined {
    return this.repos.get(fullName.toLowerCase());
  }
}
