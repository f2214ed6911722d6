import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";

const services = `http:
  services:
    app:
      weighted:
        services:
          - name: blue
            weight: 1
          - name: green
            weight: 1
    blue:
      loadBalancer:
        servers:
          - url: "http://10.0.0.1:80"
    green:
      loadBalancer:
        servers:
          - url: "http://10.0.0.2:80"
`;
const router = (service: string) => `http:
  routers:
    web:
      rule: "Host(\`shop.example.com\`)"
      service: ${service}
`;

describe("Traefik routers and services in separate files", () => {
  it("a new router to a weighted service in another file is not called dangling", () => {
    const base = [{ path: "traefik/services.yaml", text: services }];
    const a = analyze(base, [...base, { path: "traefik/routers.yaml", text: router("app") }], loadPolicy(null));
    expect(a.findings.filter((f) => ["high", "critical"].includes(f.severity))).toEqual([]);
  });

  it("a router to a load balancer in another file resolves to its pool", () => {
    const files = [
      { path: "traefik/services.yaml", text: services },
      { path: "traefik/routers.yaml", text: router("blue") },
    ];
    const a = analyze([], files, loadPolicy(null));
    const route = a.changes.routes.find((r) => r.name.includes("web"))!;
    expect(route.after!.targets[0]).toMatchObject({ kind: "pool", poolKey: "traefik:http:service:blue" });
  });
});
