/**
 * Identity: an element is its file, kind and name. Copies, moves, emptied files and same-named
 * resources in other directories must neither hide a change nor invent one.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, type SourceFile } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";
import { toJsonReport } from "../../src/report/json.js";

const examples = resolve(import.meta.dirname, "../../examples/incident");
const BEFORE = readFileSync(resolve(examples, "before/lb/storefront.conf"), "utf8");
const AFTER = readFileSync(resolve(examples, "after/lb/storefront.conf"), "utf8");
const DOWN_LINES = [5, 6, 7];
const check = (before: SourceFile[], after: SourceFile[]) => analyze(before, after, loadPolicy(null));
const concentration = (a: ReturnType<typeof check>) => a.findings.find((f) => f.rule === "traffic-concentration");

describe("a decoy copy of the old file cannot hide the drain", () => {
  for (const decoy of ["docs/examples/storefront.conf", "lb/storefront.conf.orig.conf", "lb/old/storefront.conf", "a/storefront.conf"]) {
    it(`copy at ${decoy}`, () => {
      const a = check([{ path: "lb/storefront.conf", text: BEFORE }], [{ path: "lb/storefront.conf", text: AFTER }, { path: decoy, text: BEFORE }]);
      expect(a.risk).toBe("critical");
      const f = concentration(a)!;
      expect([f.severity, f.file, f.line]).toEqual(["critical", "lb/storefront.conf", 5]);
      expect(f.related.map((l) => l.line)).toEqual([6, 7, 4]);
      // The copy is added, never confused with the real pool.
      expect(a.findings.every((x) => x.file !== decoy || x.severity === "info")).toBe(true);
    });
  }

  it("a copy present on both sides changes nothing either", () => {
    const decoy = { path: "docs/storefront.conf", text: BEFORE };
    const a = check([{ path: "lb/storefront.conf", text: BEFORE }, decoy], [{ path: "lb/storefront.conf", text: AFTER }, decoy]);
    expect(concentration(a)).toMatchObject({ file: "lb/storefront.conf", line: 5 });
    expect(a.changes.pools.map((p) => p.file)).toEqual(["lb/storefront.conf"]);
  });
});

describe("emptied files", () => {
  it("emptying the file while the drained pool reappears in a new file is still the drain, at the down lines", () => {
    const a = check(
      [{ path: "lb/storefront.conf", text: BEFORE }],
      [
        { path: "lb/storefront.conf", text: "# moved to lb/shop/storefront.conf\n" },
        { path: "lb/shop/storefront.conf", text: AFTER },
      ],
    );
    expect(a.risk).toBe("critical");
    expect(concentration(a)).toMatchObject({ severity: "critical", file: "lb/shop/storefront.conf", line: DOWN_LINES[0] });
    // The emptied file is a deletion, whatever else now declares the same names.
    expect(a.findings.find((f) => f.rule === "lb-config-deleted")).toMatchObject({ severity: "high", file: "lb/storefront.conf" });
  });

  const emptied: [string, string, string][] = [
    ["nginx", "lb/site.conf", BEFORE],
    ["haproxy", "lb/haproxy.cfg", "frontend www\n  bind :80\n  default_backend app\nbackend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n"],
    [
      "kubernetes",
      "k8s/app.yaml",
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n",
    ],
    [
      "terraform",
      "infra/lb.tf",
      'resource "aws_lb_target_group" "app" {\n  name     = "app"\n  port     = 80\n  protocol = "HTTP"\n  vpc_id   = "vpc-1"\n}\n\nresource "aws_lb_target_group_attachment" "a" {\n  target_group_arn = aws_lb_target_group.app.arn\n  target_id        = "10.0.0.1"\n}\n',
    ],
    [
      "envoy",
      "envoy/envoy.yaml",
      "static_resources:\n  clusters:\n  - name: shop\n    load_assignment:\n      cluster_name: shop\n      endpoints:\n      - lb_endpoints:\n        - endpoint:\n            address:\n              socket_address: { address: 10.0.0.1, port_value: 8080 }\n",
    ],
    ["traefik", "traefik/dynamic.yaml", "http:\n  services:\n    shop:\n      loadBalancer:\n        servers:\n        - url: http://10.0.0.1:8080\n"],
  ];
  for (const [format, path, text] of emptied) {
    it(`${format}: replacing the content with a comment is at least high, never a quiet change`, () => {
      const a = check([{ path, text }], [{ path, text: "# nothing here any more\n" }]);
      expect(["high", "critical"]).toContain(a.risk);
      expect(a.findings.find((f) => f.rule === "lb-config-deleted")).toMatchObject({ severity: "high", file: path });
      // An unchanged copy of the old content elsewhere does not make it a move.
      const decoy = check([{ path, text }], [{ path, text: "# nothing here any more\n" }, { path: `docs/${path}`, text }]);
      expect(decoy.findings.find((f) => f.rule === "lb-config-deleted")).toMatchObject({ severity: "high", file: path });
    });
  }
});

describe("moves and renames", () => {
  it("renaming lb/shop.conf to lb/shop/main.conf with no other change is low, and says moved", () => {
    const a = check([{ path: "lb/shop.conf", text: BEFORE }], [{ path: "lb/shop/main.conf", text: BEFORE }]);
    expect(["none", "low"]).toContain(a.risk);
    expect(a.findings.filter((f) => f.severity !== "info")).toEqual([]);
    const report = toJsonReport(a);
    expect(report.files).toEqual([{ path: "lb/shop/main.conf", format: "nginx", status: "moved", from: "lb/shop.conf" }]);
    expect(report.pools.filter((p) => p.changes.length > 0)).toEqual([]);
  });

  it("a move with the drain in it is judged against the old self", () => {
    const a = check([{ path: "lb/shop.conf", text: BEFORE }], [{ path: "lb/shop/main.conf", text: AFTER }]);
    expect(concentration(a)).toMatchObject({ severity: "critical", file: "lb/shop/main.conf", line: 5 });
    expect(a.findings.find((f) => f.rule === "lb-config-deleted")).toBeUndefined();
  });

  it("a move plus a decoy copy of the old file: every destination is judged, the worst decides", () => {
    const a = check([{ path: "lb/shop.conf", text: BEFORE }], [{ path: "lb/shop/main.conf", text: AFTER }, { path: "docs/shop.conf", text: BEFORE }]);
    expect(concentration(a)).toMatchObject({ severity: "critical", file: "lb/shop/main.conf", line: 5 });
  });

  it("a file under half similar is a deletion and an addition, not a move", () => {
    const other = "upstream other {\n  server 10.9.9.9:80;\n}\n";
    const a = check([{ path: "lb/shop.conf", text: BEFORE }], [{ path: "lb/other.conf", text: other }]);
    expect(a.findings.find((f) => f.rule === "lb-config-deleted")).toMatchObject({ severity: "high", file: "lb/shop.conf" });
    expect(toJsonReport(a).files.map((f) => f.status).sort()).toEqual(["added", "removed"]);
  });
});

describe("same names in two environments", () => {
  const env = (replicas: number) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n`;
  const staging = { path: "envs/staging/web.yaml", text: env(4) };

  it("prod scaled 4 → 1: critical on prod's file only; staging's pool untouched", () => {
    for (const order of [0, 1]) {
      const files = (prod: number) => (order === 0 ? [staging, { path: "envs/prod/web.yaml", text: env(prod) }] : [{ path: "envs/prod/web.yaml", text: env(prod) }, staging]);
      const a = check(files(4), files(1));
      const serious = a.findings.filter((f) => f.severity === "critical" || f.severity === "high");
      expect(serious.length).toBeGreaterThan(0);
      expect(new Set(serious.map((f) => f.file))).toEqual(new Set(["envs/prod/web.yaml"]));
      expect(concentration(a)).toMatchObject({ line: 16, message: expect.stringContaining("the only replica of web") });
      const reduced = a.findings.find((f) => f.rule === "active-backends-reduced")!;
      expect(reduced.message).toBe("default/web: only 1 active backend left (was 4): web replicas 4 → 1");
      expect(a.changes.pools.map((p) => p.file)).toEqual(["envs/prod/web.yaml"]);
      expect(a.findings.find((f) => f.rule === "ambiguous-reference")).toBeUndefined();
    }
  });

  it("a Service selecting a Deployment in a sibling directory still links", () => {
    const svc = env(3).split("---\n")[0]!;
    const dep = `---\n${env(3).split("---\n")[1]!}`;
    const a = check([{ path: "k8s/services/web.yaml", text: svc }, { path: "k8s/deploy/web.yaml", text: dep }], [{ path: "k8s/services/web.yaml", text: svc }, { path: "k8s/deploy/web.yaml", text: dep.replace("replicas: 3", "replicas: 1") }]);
    expect(concentration(a)).toMatchObject({ severity: "critical", file: "k8s/deploy/web.yaml", line: 7 });
  });

  it("two equally near declarations of one Deployment are one object, with an info finding naming both", () => {
    const svc = env(2).split("---\n")[0]!;
    const dep = (n: number) => `---\n${env(n).split("---\n")[1]!}`;
    const files = (a: number, b: number, port = 80) => [
      { path: "k8s/svc.yaml", text: svc.replace("port: 80", `port: ${port}`) },
      { path: "k8s/a/dep.yaml", text: dep(a) },
      { path: "k8s/b/dep.yaml", text: dep(b) },
    ];
    const same = check(files(2, 2), files(2, 2, 81));
    const f = same.findings.find((x) => x.rule === "ambiguous-reference")!;
    expect(f).toMatchObject({ severity: "info", file: "k8s/svc.yaml" });
    expect(f.message).toContain("k8s/a/dep.yaml, k8s/b/dep.yaml");
    expect(same.changes.pools[0]!.after!.backends).toHaveLength(2);
    // Deleting one copy is not a scale-in.
    const oneLeft = check(files(2, 2), files(2, 2).slice(0, 2));
    expect(oneLeft.findings.filter((x) => x.rule === "active-backends-reduced" || x.rule === "traffic-concentration")).toEqual([]);
    // Copies that disagree leave the count unknown, never summed.
    const differ = check(files(2, 2), files(2, 5));
    expect(differ.changes.pools[0]!.after!.backends.map((b) => b.weight)).toEqual([null]);
  });
});

describe("routes are what they match", () => {
  const cfg = (backend: string) =>
    `frontend www\n  bind :80\n  acl is_api path_beg /api\n  use_backend ${backend} if is_api\n  default_backend web\nbackend api\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\nbackend maintenance\n  server m 10.0.0.9:80\nbackend web\n  server w 10.0.0.5:80\n`;
  it("HAProxy use_backend api if is_api → maintenance if is_api is a retarget, at that line", () => {
    const a = check([{ path: "lb/haproxy.cfg", text: cfg("api") }], [{ path: "lb/haproxy.cfg", text: cfg("maintenance") }]);
    const f = a.findings.find((x) => x.rule === "route-retarget")!;
    expect(f).toMatchObject({ file: "lb/haproxy.cfg", line: 4, severity: "critical" });
    expect(f.message).toContain("now sends traffic to maintenance (1 active backend) instead of api (2 active backends)");
    expect(a.changes.routes.filter((r) => !r.before || !r.after)).toEqual([]);
  });
});

describe("renamed pools", () => {
  const cfg = (name: string) => `frontend www\n  bind :80\n  default_backend ${name}\nbackend ${name}\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\n`;
  it("a backend renamed together with its reference is not a retarget", () => {
    const a = check([{ path: "lb/haproxy.cfg", text: cfg("web") }], [{ path: "lb/haproxy.cfg", text: cfg("web_v2") }]);
    expect(a.findings.filter((f) => f.rule === "route-retarget")).toEqual([]);
  });
  it("but a rename that also changes a server is", () => {
    const a = check([{ path: "lb/haproxy.cfg", text: cfg("web") }], [{ path: "lb/haproxy.cfg", text: cfg("web_v2").replace("10.0.0.2", "10.0.0.3") }]);
    expect(a.findings.filter((f) => f.rule === "route-retarget").map((f) => f.line)).toEqual([3]);
  });
});

describe("a reference never falls silently to another file's declaration", () => {
  const upstream = "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n";
  const site = "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n";

  it("a whole-file copy keeps its upstream to itself: deleting the real one dangles", () => {
    const copy = { path: "docs/app.conf", text: `${upstream}${site}` };
    const a = check([{ path: "lb/app.conf", text: `${upstream}${site}` }, copy], [{ path: "lb/app.conf", text: site }, copy]);
    expect(a.findings.find((f) => f.rule === "dangling-reference")).toMatchObject({ severity: "critical", file: "lb/app.conf", line: 4 });
  });

  it("an upstream-only copy elsewhere is used, but the jump is high", () => {
    const other = { path: "lb/examples/app.conf", text: upstream };
    const a = check([{ path: "lb/app.conf", text: `${upstream}${site}` }, other], [{ path: "lb/app.conf", text: site }, other]);
    expect(a.findings.find((f) => f.rule === "reference-moved")).toMatchObject({
      severity: "high",
      file: "lb/app.conf",
      line: 4,
      message: '80 location /: "app" now comes from lb/examples/app.conf instead of lb/app.conf, where it is no longer declared',
    });
  });

  it("a Service whose Deployment was broken in place does not borrow a copy's Deployment", () => {
    const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
    const dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n";
    const real = { path: "k8s/web.yaml", text: `${svc}---\n${dep}` };
    const broken = { path: real.path, text: `${svc}---\n${dep.replace("apiVersion: apps/v1\n", "")}` };
    const a = check([real], [broken, { path: "docs/copy/k8s/web.yaml", text: real.text }]);
    expect(a.findings.find((f) => f.rule === "no-active-backend")).toMatchObject({ severity: "critical", file: "k8s/web.yaml" });
  });
});

describe("reference-moved only when the old declaration is gone", () => {
  it("a new, nearer declaration beside an unchanged one is not a move", () => {
    const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
    const dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n";
    const files = [{ path: "k8s/svc/web.yaml", text: svc }, { path: "k8s/deploy/web.yaml", text: dep }];
    const a = check(files, [...files, { path: "k8s/svc/web-deploy.yaml", text: dep }]);
    expect(a.findings.filter((f) => f.rule === "reference-moved")).toEqual([]);
  });
});

describe("ambiguous-reference says how many it did not list", () => {
  it("past ten, one line counts the rest", () => {
    const up = (i: number) => `upstream u${i} {\n  server 10.0.0.${i}:80;\n}\n`;
    const site = Array.from({ length: 12 }, (_, i) => `server {\n  listen ${8000 + i};\n  location / {\n    proxy_pass http://u${i};\n  }\n}\n`).join("");
    const decl = Array.from({ length: 12 }, (_, i) => up(i)).join("");
    const a = check([], [{ path: "lb/site.conf", text: site }, { path: "lb/a/up.conf", text: decl }, { path: "lb/b/up.conf", text: decl }]);
    const found = a.findings.filter((f) => f.rule === "ambiguous-reference");
    expect(found).toHaveLength(11);
    expect(found.map((f) => f.message)).toContain("2 more references resolve to several equally near declarations (not listed)");
  });
});

describe("moves across directories when keys embed the directory (Terraform modules)", () => {
  const tf = (a: number, b: number) =>
    `resource "aws_lb_listener" "web" {\n  load_balancer_arn = aws_lb.main.arn\n  port = 80\n  protocol = "HTTP"\n  default_action {\n    type = "forward"\n    forward {\n      target_group {\n        arn = aws_lb_target_group.blue.arn\n        weight = ${a}\n      }\n      target_group {\n        arn = aws_lb_target_group.green.arn\n        weight = ${b}\n      }\n    }\n  }\n}\nresource "aws_lb_target_group" "blue" {\n  port = 80\n  protocol = "HTTP"\n}\nresource "aws_lb_target_group" "green" {\n  port = 80\n  protocol = "HTTP"\n}\n`;
  it("a pure move of a module file is quiet", () => {
    const a = check([{ path: "infra/lb.tf", text: tf(50, 50) }], [{ path: "modules/edge/lb.tf", text: tf(50, 50) }]);
    expect(a.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(a.changes.routes.filter((r) => !r.before || !r.after)).toEqual([]);
  });
  it("a move that also shifts the weights is judged against the old listener", () => {
    const a = check([{ path: "infra/lb.tf", text: tf(50, 50) }], [{ path: "modules/edge/lb.tf", text: tf(100, 0) }]);
    expect(concentration(a)).toMatchObject({ file: "modules/edge/lb.tf", line: 10 });
  });
});
