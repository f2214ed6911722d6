/**
 * Shapes real files use that the tools themselves accept: each case is modelled on a file of a
 * peer's corpus (envoyproxy/examples, traefik/traefik integration fixtures, Ansible roles;
 * Apache-2.0 / MIT, no text copied).
 */
import { describe, expect, it } from "vitest";
import { detectFormat } from "../../src/formats/detect.js";
import { parseEnvoy } from "../../src/formats/envoy/index.js";
import { parseNginx } from "../../src/formats/nginx/parse.js";
import { parseTraefik } from "../../src/formats/traefik/index.js";
import { loadPolicy } from "../../src/policy/load.js";

const policy = loadPolicy(null).policy;

describe("Envoy", () => {
  it("a repeated field written as a single mapping is a list of one, as Envoy's YAML loader reads it", () => {
    const yaml = [
      "static_resources:",
      "  clusters:",
      "    name: app",
      "    type: STATIC",
      "    load_assignment:",
      "      cluster_name: app",
      "      endpoints:",
      "        lb_endpoints:",
      "          endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 80 } } }",
      "",
    ].join("\n");
    const m = parseEnvoy(yaml, "envoy.yaml");
    expect(m.diagnostics).toEqual([]);
    expect(m.pools.map((p) => [p.key, p.backends.map((b) => b.id)])).toEqual([["envoy:cluster:app", ["10.0.0.1:80"]]]);
  });
});

describe("Traefik", () => {
  it("servers written as an empty TOML table are an empty list: a warning that Traefik answers 503, not an error", () => {
    const m = parseTraefik('[http.services.maint.loadBalancer]\n  [http.services.maint.loadBalancer.servers]\n[http.routers.r]\n  rule = "Host(`a`)"\n  service = "maint"\n', "dynamic.toml");
    expect(m.diagnostics.map((d) => [d.loc.line, d.severity])).toEqual([[2, "warning"]]);
  });

  it("a parent router needs no service, and its children inherit its rule and entry points", () => {
    const toml = [
      "[http.routers.api]",
      '  rule = "Host(`api.example.com`)"',
      '  entryPoints = ["websecure"]',
      "[http.routers.v2]",
      '  rule = "PathPrefix(`/v2`)"',
      '  parentRefs = ["api"]',
      '  service = "v2"',
      "[[http.services.v2.loadBalancer.servers]]",
      '  url = "http://10.0.0.2:80"',
      "",
    ].join("\n");
    const m = parseTraefik(toml, "dynamic.toml");
    expect(m.diagnostics).toEqual([]);
    expect(m.routes.map((r) => [r.key, r.condition, r.listeners.map((l) => l.address)])).toEqual([
      ["traefik:http:router:v2", "(Host(`api.example.com`)) && (PathPrefix(`/v2`))", ["websecure"]],
    ]);
  });

  it("a router without a service that is nobody's parent is still an error", () => {
    const m = parseTraefik('[http.routers.lost]\n  rule = "Host(`a`)"\n', "dynamic.toml");
    expect(m.diagnostics.map((d) => d.severity)).toEqual(["error"]);
  });

  it("a file of middlewares or TLS options only is Traefik, with no pools and nothing to say", () => {
    const middlewares = "http:\n  middlewares:\n    auth:\n      basicAuth:\n        users: ['a:b']\n";
    const tls = "tls:\n  options:\n    modern:\n      minVersion: VersionTLS13\n";
    for (const text of [middlewares, tls, "[http.middlewares.auth.basicAuth]\n  users = ['a:b']\n"]) {
      const path = text.startsWith("[") ? "traefik/middlewares.toml" : "traefik/dynamic/extra.yml";
      expect(detectFormat(path, text, policy)).toBe("traefik");
      expect(parseTraefik(text, path)).toMatchObject({ pools: [], routes: [], diagnostics: [] });
    }
  });
});

describe("detection asks for real directives", () => {
  it("a HOCON file with an http {} block is not nginx", () => {
    const hocon = 'akka {\n  loglevel = INFO\n}\nhttp {\n  port = 8080\n  host = "0.0.0.0"\n}\n';
    expect(detectFormat("conf/application.conf", hocon, policy)).toBeNull();
  });

  it("a Kubernetes manifest carrying an nginx.conf (a ConfigMap named nginx-config.yaml) is not nginx", () => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx-config\ndata:\n  nginx.conf: |\n    server {\n      listen 80;\n    }\n";
    expect(detectFormat("examples/nginx-config.yaml", cm, policy)).not.toBe("nginx");
  });

  it("an nginx site file without an extension (sites-available/default) is read", () => {
    const site = "server {\n  listen 80 default_server;\n  root /var/www/html;\n}\n";
    expect(detectFormat("etc/nginx/sites-available/default", site, policy)).toBe("nginx");
    expect(detectFormat("etc/nginx/sites-enabled/default", site, policy)).toBe("nginx");
    expect(detectFormat("etc/nginx/conf.d/default", site, policy)).toBe("nginx");
  });
});

describe("nginx fragments", () => {
  it("a server-level fragment (listen, locations) included into a server produces its routes", () => {
    const text = "listen 80;\nserver_name shop.example;\nlocation / {\n  proxy_pass http://shop;\n}\nlocation /api {\n  proxy_pass http://api;\n}\n";
    const m = parseNginx(text, "conf.d/shop.locations");
    expect(m.diagnostics).toEqual([]);
    expect(m.routes.map((r) => [r.name, r.targets.map((t) => (t.kind === "ref" ? t.name : t.kind))])).toEqual([
      ["shop.example location /", ["shop"]],
      ["shop.example location /api", ["api"]],
    ]);
  });
});

describe("mixed files", () => {
  it("a file with a Service and a Traefik IngressRoute counts both: the route's weights are judged", async () => {
    const { analyze } = await import("../../src/engine/analyze.js");
    const file = (v1: number, v2: number) =>
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: whoami",
        "spec:",
        "  selector:",
        "    app: whoami",
        "  ports:",
        "  - port: 80",
        "---",
        "apiVersion: traefik.io/v1alpha1",
        "kind: IngressRoute",
        "metadata:",
        "  name: whoami",
        "spec:",
        "  routes:",
        "  - match: Host(`whoami.example`)",
        "    kind: Rule",
        "    services:",
        "    - name: whoami",
        "      port: 80",
        `      weight: ${v1}`,
        "    - name: whoami-v2",
        "      port: 80",
        `      weight: ${v2}`,
        "",
      ].join("\n");
    const path = "k8s/whoami.yaml";
    expect(detectFormat(path, file(3, 1), policy)).toBe("kubernetes");
    const a = analyze([{ path, text: file(3, 1) }], [{ path, text: file(0, 1) }], loadPolicy(null));
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ line: 22 });
  });
});
