import { describe, expect, it } from "vitest";
import { review } from "../support/review.js";

/** Two Services (blue: 3 replicas, green: 1) behind one HTTPRoute with the given weights. */
const cluster = (blue: number, green: number) => {
  const svc = (name: string, replicas: number) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: app\n          image: app:1\n---\n`;
  return `${svc("blue", 3)}${svc("green", 1)}apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
spec:
  parentRefs:
    - name: gw
  rules:
    - backendRefs:
        - name: blue
          port: 80
          weight: ${blue}
        - name: green
          port: 80
          weight: ${green}
`;
};
const BASE = cluster(50, 50);
const concentration = (after: string) => review("kubernetes", BASE, after).findings.filter((f) => f.rule === "traffic-concentration");

describe("weighted routes: targets are the route's backends", () => {
  it("a cut-over to a target with several active backends is high", () => {
    expect(concentration(cluster(100, 0)).map((f) => [f.severity, f.message])).toEqual([
      ["high", "default/shop rule 1: default/blue now receives 100% of this route's traffic (was 50%); share-shift: +50 points"],
    ]);
  });

  it("a cut-over to a target with a single backend is critical", () => {
    expect(concentration(cluster(0, 100)).map((f) => f.severity)).toEqual(["critical"]);
  });

  it("a move of 25 points or more onto a target is a share shift", () => {
    const shift = review("kubernetes", BASE, cluster(25, 75)).findings.filter((f) => f.rule === "share-shift");
    expect(shift.map((f) => f.message)).toEqual(["default/shop rule 1: default/green share 50% → 75% (+25 points)"]);
  });

  it("all weights 0 leaves the route serving nothing", () => {
    const f = review("kubernetes", BASE, cluster(0, 0)).findings.filter((x) => x.rule === "no-active-backend");
    expect(f.map((x) => [x.severity, x.message])).toEqual([["critical", "default/shop rule 1: every target has weight 0"]]);
  });
});
