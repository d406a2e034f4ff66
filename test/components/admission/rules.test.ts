/**
 * The admission guardrails' CEL, evaluated for real by a conforming CEL implementation
 * (@bufbuild/cel, with the `strings` extension Kubernetes also enables), on pods that pass and pods
 * that fail; and held to the pack's own predicates, so the cluster and the preview apply one rule.
 */
import { run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import {
  NAMESPACE_RULE,
  POD_MATCH_CONDITION,
  POD_RULES,
  celStringList,
  podVariables,
} from "../../../components/admission/rules";
import { isPinnedImage } from "../../../policy/kubernetes";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON as CEL sees a Kubernetes object: objects are maps, whole numbers ints. */
function toCel(value: Json): unknown {
  if (Array.isArray(value)) {
    return value.map(toCel);
  }
  if (value !== null && typeof value === "object") {
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  }
  return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value;
}

function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
  const result = run(expression, bindings as never, { funcs: strings });
  if (result instanceof Error) {
    throw result;
  }
  return result;
}

const REGISTRY = "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/";
const ALLOWED = [REGISTRY, "hashicorp/vault:", "quay.io/jetstack/cert-manager-"];

/** Evaluates the pod policy as the API server does: variables first, then each validation. */
function judgePod(pod: Json): Record<string, { ok: boolean; message: string }> {
  const object = toCel(pod);
  const variables = new Map<string, unknown>();
  for (const v of podVariables(ALLOWED)) {
    variables.set(v.name, evaluate(v.expression, { object, variables }));
  }
  return Object.fromEntries(
    POD_RULES.map((rule) => {
      const ok = evaluate(rule.expression, { object, variables }) as boolean;
      const message = ok ? "" : String(evaluate(rule.messageExpression, { object, variables }));
      return [rule.id, { ok, message }];
    }),
  );
}

const RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } };
const container = (name: string, image: string, extra: Record<string, Json> = {}) => ({
  name,
  image,
  resources: RESOURCES,
  ...extra,
});
const pod = (spec: Record<string, Json>): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "api-7d9f", namespace: "api" },
  spec: {
    serviceAccountName: "api",
    containers: [container("app", `${REGISTRY}api:1.0.0`)],
    ...spec,
  },
});

const passing = (rules: Record<string, { ok: boolean }>) =>
  Object.entries(rules)
    .filter(([, r]) => r.ok)
    .map(([id]) => id);

describe("pod rules", () => {
  test("a pod of the platform (registry image, Vault agent init container, own account) passes every rule", () => {
    const result = judgePod(
      pod({ initContainers: [container("vault-agent-init", "hashicorp/vault:1.21.2")] }),
    );
    expect(passing(result)).toEqual(["image-registry", "image-pinned", "resources-set", "service-account"]);
  });

  test.each<[string, Record<string, Json>, string, string]>([
    [
      "an image from Docker Hub",
      { containers: [container("app", "nginx:1.27")] },
      "image-registry",
      "images must come from the platform registry or an allowed upstream prefix: app=nginx:1.27",
    ],
    [
      "another account's ECR",
      { containers: [container("app", "210987654321.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0")] },
      "image-registry",
      "images must come from the platform registry or an allowed upstream prefix: app=210987654321.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0",
    ],
    [
      "an init container from outside",
      { initContainers: [container("setup", "busybox:1.36")] },
      "image-registry",
      "images must come from the platform registry or an allowed upstream prefix: setup=busybox:1.36",
    ],
    [
      "the latest tag",
      { containers: [container("app", `${REGISTRY}api:latest`)] },
      "image-pinned",
      `images must be pinned to a version tag or a digest, never latest or untagged: app=${REGISTRY}api:latest`,
    ],
    [
      "no tag",
      { containers: [container("app", `${REGISTRY}api`)] },
      "image-pinned",
      `images must be pinned to a version tag or a digest, never latest or untagged: app=${REGISTRY}api`,
    ],
    [
      "no memory limit",
      {
        containers: [
          container("app", `${REGISTRY}api:1.0.0`, {
            resources: { requests: RESOURCES.requests, limits: { cpu: "1" } },
          }),
        ],
      },
      "resources-set",
      `containers must set requests and limits of cpu and memory: app=${REGISTRY}api:1.0.0`,
    ],
    [
      "no resources at all",
      { containers: [{ name: "app", image: `${REGISTRY}api:1.0.0` }] },
      "resources-set",
      `containers must set requests and limits of cpu and memory: app=${REGISTRY}api:1.0.0`,
    ],
    [
      "the default service account",
      { serviceAccountName: "default" },
      "service-account",
      "pods must run as their own service account, not default: pod api-7d9f",
    ],
  ])("%s fails that one rule, with a message naming the container", (_, spec, failing, message) => {
    const result = judgePod(pod(spec));
    expect(Object.keys(result).filter((id) => !result[id].ok)).toEqual([failing]);
    expect(result[failing].message).toBe(message);
  });
});

describe("the pod rules are the pack's rules", () => {
  test.each([
    `${REGISTRY}api:1.0.0`,
    `${REGISTRY}api:latest`,
    `${REGISTRY}api`,
    `${REGISTRY}api:`,
    `${REGISTRY}api@sha256:${"a".repeat(64)}`,
    `${REGISTRY}api:1.0.0@sha256:${"b".repeat(64)}`,
    `${REGISTRY}api@sha256:${"a".repeat(63)}`,
    "registry.local:5000/app",
    "registry.local:5000/app:2.1",
    "hashicorp/vault:1.21.2",
    "hashicorp/vault:latestish",
    "quay.io/jetstack/cert-manager-controller:v1.18.2",
  ])("image-pinned agrees with the pack's isPinnedImage on %s", (image) => {
    const result = judgePod(pod({ containers: [container("app", image)] }));
    expect(result["image-pinned"].ok).toBe(isPinnedImage(image));
  });
});

describe("pod match condition", () => {
  const images = (image: string, init?: string): Json => ({
    spec: {
      containers: [{ name: "app", image }],
      ...(init ? { initContainers: [{ name: "init", image: init }] } : {}),
    },
  });
  test.each<[string, Json, Json, boolean]>([
    ["CREATE", images("a:1"), images("a:1"), true],
    ["UPDATE", images("a:1"), images("a:1"), false],
    ["UPDATE", images("a:2"), images("a:1"), true],
    ["UPDATE", images("a:1", "i:2"), images("a:1", "i:1"), true],
    ["UPDATE", images("a:1", "i:1"), images("a:1", "i:1"), false],
  ])("%s of %j over %j is judged: %s", (operation, object, oldObject, judged) => {
    expect(
      evaluate(POD_MATCH_CONDITION.expression, {
        request: toCel({ operation }),
        object: toCel(object),
        oldObject: toCel(oldObject),
      }),
    ).toBe(judged);
  });
});

describe("namespace rule", () => {
  const ns = (labels?: Record<string, string>) =>
    toCel({ metadata: { name: "team-a", ...(labels ? { labels } : {}) } });
  test("a namespace enforcing restricted passes", () => {
    expect(
      evaluate(NAMESPACE_RULE.expression, {
        object: ns({ "pod-security.kubernetes.io/enforce": "restricted" }),
      }),
    ).toBe(true);
  });
  test.each([
    ["no labels", undefined],
    ["no enforce label", { "pod-security.kubernetes.io/warn": "restricted" }],
    ["baseline", { "pod-security.kubernetes.io/enforce": "baseline" }],
    ["privileged", { "pod-security.kubernetes.io/enforce": "privileged" }],
  ])("%s fails, with a message naming the namespace", (_, labels) => {
    const object = ns(labels);
    expect(evaluate(NAMESPACE_RULE.expression, { object })).toBe(false);
    expect(evaluate(NAMESPACE_RULE.messageExpression, { object })).toBe(
      "namespace team-a must carry the label pod-security.kubernetes.io/enforce: restricted",
    );
  });
});

test("celStringList quotes each prefix as a CEL string literal", () => {
  expect(celStringList(["a/b:", 'q"x'])).toBe('["a/b:", "q\\"x"]');
  const list = celStringList(["a/b:", 'q"x']);
  expect([evaluate(`size(${list})`, {}), evaluate(`${list}[0]`, {}), evaluate(`${list}[1]`, {})]).toEqual([
    BigInt(2),
    "a/b:",
    'q"x',
  ]);
});
