/** The rule catalogue, in the order reports list them. */
import { activeBackendsReduced } from "./active-backends-reduced.js";
import { algorithmChange } from "./algorithm-change.js";
import { ambiguousReference } from "./ambiguous-reference.js";
import { capacity } from "./capacity.js";
import { failoverNarrowed } from "./failover-narrowed.js";
import { fileTooLarge } from "./file-too-large.js";
import { danglingReference } from "./dangling-reference.js";
import { healthCheckRemoved } from "./health-check-removed.js";
import { healthCheckWeakened } from "./health-check-weakened.js";
import { lbConfigDeleted } from "./lb-config-deleted.js";
import { noActiveBackend } from "./no-active-backend.js";
import { poolRepointed } from "./pool-repointed.js";
import { referenceMoved } from "./reference-moved.js";
import { retriesNarrowed } from "./retries-narrowed.js";
import { routeRemovedToDefault } from "./route-removed-to-default.js";
import { routeRetarget } from "./route-retarget.js";
import type { Rule } from "./rule.js";
import { selectorMatchesNothing } from "./selector-matches-nothing.js";
import { shareShift } from "./share-shift.js";
import { sharesUnknown } from "./shares-unknown.js";
import { targetGroupReplaced } from "./target-group-replaced.js";
import { templateIntroduced } from "./template-introduced.js";
import { templateNotEvaluated } from "./template-not-evaluated.js";
import { timeoutCut } from "./timeout-cut.js";
import { trafficConcentration } from "./traffic-concentration.js";
import { unknownService } from "./unknown-service.js";
import { unparseableConfig } from "./unparseable-config.js";

// Each rule has its own options type; the catalogue only needs the common shape.
export const RULES: readonly Rule<never>[] = [
  unparseableConfig,
  trafficConcentration,
  noActiveBackend,
  activeBackendsReduced,
  danglingReference,
  capacity,
  shareShift,
  healthCheckRemoved,
  routeRetarget,
  referenceMoved,
  routeRemovedToDefault,
  targetGroupReplaced,
  lbConfigDeleted,
  poolRepointed,
  timeoutCut,
  retriesNarrowed,
  failoverNarrowed,
  healthCheckWeakened,
  algorithmChange,
  selectorMatchesNothing,
  unknownService,
  ambiguousReference,
  templateIntroduced,
  templateNotEvaluated,
  fileTooLarge,
  sharesUnknown,
] as Rule<never>[];

export type { Rule, RuleHit } from "./rule.js";
