/**
 * The admission guardrails' rules as CEL, the language of the built-in ValidatingAdmissionPolicy
 * (docs/decisions/0132). Each rule is the cluster-side twin of a policy of the pack, so that what the
 * preview cannot see (objects rendered by charts, applied with kubectl, created by controllers) is
 * held to the same standard:
 *
 * | rule               | pack policy                         |
 * | ------------------ | ----------------------------------- |
 * | `image-registry`   | `images-from-platform-registry`     |
 * | `image-pinned`     | `container-image-pinned`            |
 * | `resources-set`    | `container-resources-set`           |
 * | `service-account`  | `workload-no-default-service-account` |
 * | `pod-security`     | `namespace-pod-security-restricted` (the `enforce` label) |
 *
 * Only standard CEL and its `strings` extension (`join`), both part of Kubernetes' CEL environment,
 * so test/components/admission/rules.test.ts evaluates them with a conforming CEL implementation.
 * Every field that may be absent is guarded with `has()`: a CEL error would deny (failurePolicy Fail).
 */

/** Pod Security Standards level every non-exempt namespace enforces. */
export const POD_SECURITY_LEVEL = "restricted";
/** The namespace label the built-in Pod Security admission reads. */
export const POD_SECURITY_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

/** One CEL validation of a ValidatingAdmissionPolicy. */
export interface CelRule {
  /** Kebab-case id; also the Pod Security rule's name in violation messages. */
  readonly id: string;
  /** Boolean CEL expression: true admits. */
  readonly expression: string;
  /** CEL expression of type string: the message of a denial, naming the offending containers. */
  readonly messageExpression: string;
}

/** A named CEL variable (`variables.<name>`), evaluated before the validations. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/** A CEL string literal (JSON's escapes are CEL's for the characters image prefixes use). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** A CEL list of string literals. */
export function celStringList(values: readonly string[]): string {
  return `[${values.map(celString).join(", ")}]`;
}

/** Every container of the pod, init containers first (as the pack's `containersOf`). */
const CONTAINERS =
  "(has(object.spec.initContainers) ? object.spec.initContainers : []) + object.spec.containers";

/** The pod rules' variables: the containers, and the image prefixes allowed (platform registry first). */
export function podVariables(allowedImagePrefixes: readonly string[]): CelVariable[] {
  return [
    { name: "containers", expression: CONTAINERS },
    { name: "allowedImagePrefixes", expression: celStringList(allowedImagePrefixes) },
  ];
}

/** `name=image` of the containers failing `predicate` (a CEL expression over `c`), comma-separated. */
function offenders(predicate: string): string {
  return `variables.containers.filter(c, ${predicate}).map(c, c.name + '=' + c.image).join(', ')`;
}

const FROM_ALLOWED = "variables.allowedImagePrefixes.exists(p, c.image.startsWith(p))";
/**
 * The pack's `isPinnedImage`: a sha256 digest, or a tag in the last path segment that is neither
 * empty nor `latest` (`host:5000/app` has no tag).
 */
const PINNED =
  "c.image.matches('@sha256:[0-9a-f]{64}$') || (c.image.matches(':[^:/]+$') && !c.image.endsWith(':latest'))";
const RESOURCES_SET =
  "has(c.resources) && has(c.resources.requests) && has(c.resources.limits) && " +
  "['cpu', 'memory'].all(r, r in c.resources.requests && r in c.resources.limits)";

/** The pod rules, in the order of the table above. */
export const POD_RULES: readonly CelRule[] = [
  {
    id: "image-registry",
    expression: `variables.containers.all(c, ${FROM_ALLOWED})`,
    messageExpression: `'images must come from the platform registry or an allowed upstream prefix: ' + ${offenders(`!(${FROM_ALLOWED})`)}`,
  },
  {
    id: "image-pinned",
    expression: `variables.containers.all(c, ${PINNED})`,
    messageExpression: `'images must be pinned to a version tag or a digest, never latest or untagged: ' + ${offenders(`!(${PINNED})`)}`,
  },
  {
    id: "resources-set",
    expression: `variables.containers.all(c, ${RESOURCES_SET})`,
    messageExpression: `'containers must set requests and limits of cpu and memory: ' + ${offenders(`!(${RESOURCES_SET})`)}`,
  },
  {
    id: "service-account",
    // The ServiceAccount admission plugin fills in `default` before validation runs.
    expression: "has(object.spec.serviceAccountName) && object.spec.serviceAccountName != 'default'",
    messageExpression:
      "'pods must run as their own service account, not default: pod ' + (has(object.metadata.name) ? object.metadata.name : object.metadata.generateName)",
  },
];

/**
 * Pods are judged when created, and on update only when an image changes (the only container field
 * an update may change): a label or finalizer update of a pod admitted earlier is never refused.
 */
export const POD_MATCH_CONDITION = {
  name: "created-or-images-changed",
  expression:
    "request.operation == 'CREATE' || " +
    "object.spec.containers.map(c, c.image) != oldObject.spec.containers.map(c, c.image) || " +
    "(has(object.spec.initContainers) ? object.spec.initContainers.map(c, c.image) : []) != " +
    "(has(oldObject.spec.initContainers) ? oldObject.spec.initContainers.map(c, c.image) : [])",
};

/** The namespace rule: the built-in Pod Security admission enforces `restricted` in it. */
export const NAMESPACE_RULE: CelRule = {
  id: "pod-security",
  expression:
    `has(object.metadata.labels) && ${celString(POD_SECURITY_ENFORCE_LABEL)} in object.metadata.labels && ` +
    `object.metadata.labels[${celString(POD_SECURITY_ENFORCE_LABEL)}] == ${celString(POD_SECURITY_LEVEL)}`,
  messageExpression: `'namespace ' + object.metadata.name + ' must carry the label ${POD_SECURITY_ENFORCE_LABEL}: ${POD_SECURITY_LEVEL}'`,
};
