import { credentialShape, isCredentialName, plaintextCredential } from "../../policy/lib/credentials";
import { disablesTls, noPlaintextCredentials, vaultListenerTls } from "../../policy/secrets";
import { describeResourcePolicies } from "./cases";
import { messages, res, run } from "./helpers";

describe("credential recognition", () => {
  test.each([
    ["DB_PASSWORD", true],
    ["password", true],
    ["STRIPE_KEY", true],
    ["API_KEY", true],
    ["GITHUB_TOKEN", true],
    ["CLIENT_SECRET", true],
    ["tls.key", true],
    ["DB_SECRET_ARN", false],
    ["TOKEN_FILE", false],
    ["KMS_KEY_ID", false],
    ["KEYBOARD_LAYOUT", false],
    ["MONKEY", false],
    ["LOG_LEVEL", false],
  ])("name %s holds a credential: %s", (name, expected) => {
    expect(isCredentialName(name)).toBe(expected);
  });

  test.each([
    ["postgres://app:hunter2@db.internal:5432/app", "a URL with a password in it"],
    ["AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"],
    [`sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`, "a Stripe secret key"],
    [`ghp_${"a1B2".repeat(9)}`, "a GitHub token"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "a private key"],
    ["postgresql://{{username}}:{{password}}@db:5432/app", undefined],
    ["postgres://app:${DB_PASSWORD}@db/app", undefined],
    ["https://user@example.com/repo.git", undefined],
    ["https://example.com/a:b@c", undefined],
    ["info", undefined],
  ])("value %s looks like %s", (value, expected) => {
    expect(credentialShape(value)).toBe(expected);
  });

  test("an empty value or a non-string holds nothing", () => {
    expect(plaintextCredential("DB_PASSWORD", "")).toBeUndefined();
    expect(plaintextCredential("DB_PASSWORD", undefined)).toBeUndefined();
    expect(plaintextCredential("DB_PASSWORD", "x")).toBe("its name says it holds a credential");
  });
});

const C = "spec.template.spec.containers[0]";
const D = "Deployment 'api'";
const deployment = {
  metadata: { name: "api", namespace: "apps" },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: "api",
            image: "ghcr.io/acme/api:1.4.2",
            env: [
              { name: "LOG_LEVEL", value: "info" },
              { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
              { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:us-west-2:123456789012:secret:db" },
            ],
          },
        ],
      },
    },
  },
};

const vaultHcl = [
  'listener "tcp" {',
  '  address       = "[::]:8200"',
  '  tls_cert_file = "/vault/tls/tls.crt"',
  '  tls_key_file  = "/vault/tls/tls.key"',
  "  # tls_disable = 1 was the chart's default",
  "}",
].join("\n");
const vault = {
  chart: "vault",
  version: "0.31.0",
  repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
  values: {
    global: { tlsDisable: false },
    server: { ha: { enabled: true, raft: { enabled: true, config: vaultHcl } } },
  },
};
const V = "Helm release 'vault'";

describeResourcePolicies([
  {
    policy: noPlaintextCredentials,
    type: "kubernetes:apps/v1:Deployment",
    name: "api",
    valid: deployment,
    failures: [
      [
        `${C}.env[0]`,
        { name: "DB_PASSWORD", value: "hunter2" },
        `Container 'api' of ${D} has 'DB_PASSWORD' in plain text (its name says it holds a credential). Remediation: deliver 'env[DB_PASSWORD]' of container 'api' of ${D} through a Kubernetes Secret ('valueFrom.secretKeyRef') or a Vault-rendered file.`,
      ],
      [
        `${C}.env[0]`,
        { name: "DATABASE_URL", value: "postgres://app:hunter2@db:5432/app" },
        `Container 'api' of ${D} has 'DATABASE_URL' in plain text (its value looks like a URL with a password in it). Remediation: deliver 'env[DATABASE_URL]' of container 'api' of ${D} through a Kubernetes Secret ('valueFrom.secretKeyRef') or a Vault-rendered file.`,
      ],
      [
        `${C}.env[0]`,
        { name: "AWS_ACCESS", value: "AKIAIOSFODNN7EXAMPLE" },
        `Container 'api' of ${D} has 'AWS_ACCESS' in plain text (its value looks like an AWS access key ID). Remediation: deliver 'env[AWS_ACCESS]' of container 'api' of ${D} through a Kubernetes Secret ('valueFrom.secretKeyRef') or a Vault-rendered file.`,
      ],
    ],
  },
  {
    policy: noPlaintextCredentials,
    type: "kubernetes:core/v1:ConfigMap",
    name: "api-config",
    valid: { data: { LOG_LEVEL: "info", DB_SECRET_ARN: "arn:aws:secretsmanager:us-west-2:1:secret:db" } },
    failures: [
      [
        "data.STRIPE_KEY",
        `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`,
        "ConfigMap 'api-config' holds 'STRIPE_KEY' in plain text (its value looks like a Stripe secret key). Remediation: move 'data.STRIPE_KEY' of ConfigMap 'api-config' to a Kubernetes Secret ('valueFrom.secretKeyRef') or a Vault-rendered file.",
      ],
      [
        "data.GITHUB_TOKEN",
        "abc",
        "ConfigMap 'api-config' holds 'GITHUB_TOKEN' in plain text (its name says it holds a credential). Remediation: move 'data.GITHUB_TOKEN' of ConfigMap 'api-config' to a Kubernetes Secret ('valueFrom.secretKeyRef') or a Vault-rendered file.",
      ],
    ],
  },
  {
    policy: vaultListenerTls,
    type: "kubernetes:helm.sh/v3:Release",
    name: "vault",
    valid: vault,
    failures: [
      [
        "values.global.tlsDisable",
        undefined,
        `${V} leaves 'global.tlsDisable' at the chart's default (true), so clients reach Vault over plain HTTP. Remediation: set 'values.global.tlsDisable: false' on ${V} and give the listener a certificate.`,
      ],
      [
        "values.global.tlsDisable",
        true,
        `${V} sets 'global.tlsDisable', so clients reach Vault over plain HTTP. Remediation: set 'values.global.tlsDisable: false' on ${V} and give the listener a certificate.`,
      ],
      [
        "values.server.ha.raft.config",
        `${vaultHcl}\nlistener "tcp" {\n  address = "127.0.0.1:8300"\n  tls_disable = "true"\n}`,
        `The Vault listener config of ${V} ('server.ha.raft.config') sets tls_disable. Remediation: remove 'tls_disable' from 'values.server.ha.raft.config' on ${V} and set 'tls_cert_file' and 'tls_key_file'.`,
      ],
      [
        "values.server.ha.raft.config",
        undefined,
        `${V} keeps the chart's default 'server.ha.raft.config', whose listener sets tls_disable. Remediation: set 'values.server.ha.raft.config' on ${V} to a listener with 'tls_cert_file' and 'tls_key_file'.`,
      ],
      [
        "values.server.dev",
        { enabled: true },
        `${V} runs Vault in dev mode (in memory, unsealed, no TLS). Remediation: set 'values.server.dev.enabled: false' on ${V}.`,
      ],
    ],
  },
]);

describe("vault-listener-tls", () => {
  test("other charts are not judged", async () => {
    const result = await run(vaultListenerTls, [
      res("kubernetes:helm.sh/v3:Release", "cert-manager", { chart: "cert-manager", values: {} }),
    ]);
    expect(result.outcomes[0]).toMatchObject({
      assessed: 0,
      notApplicable: ["Helm release 'cert-manager' does not deploy a Vault server"],
    });
  });

  test("a standalone server is judged on server.standalone.config, in HCL or JSON form", async () => {
    const standalone = (config: unknown) =>
      res("kubernetes:helm.sh/v3:Release", "vault", {
        chart: "vault",
        values: { global: { tlsDisable: false }, server: { standalone: { config } } },
      });
    expect(await messages(vaultListenerTls, [standalone(vaultHcl)])).toEqual([]);
    expect(await messages(vaultListenerTls, [standalone({ listener: { tcp: { tls_disable: 1 } } })])).toEqual(
      [
        `The Vault listener config of ${V} ('server.standalone.config') sets tls_disable. Remediation: remove 'tls_disable' from 'values.server.standalone.config' on ${V} and set 'tls_cert_file' and 'tls_key_file'.`,
      ],
    );
  });

  test.each([
    ["tls_disable = 1", true],
    ['tls_disable = "true"', true],
    ["tls_disable=true", true],
    ["tls_disable = 0", false],
    ["tls_disable = false", false],
    ["# tls_disable = 1", false],
  ])("%s disables TLS: %s", (line, expected) => {
    expect(disablesTls(`listener "tcp" {\n  ${line}\n}`)).toBe(expected);
  });
});
