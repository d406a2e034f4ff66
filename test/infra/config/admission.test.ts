import { ConfigError, parseConfig } from "../../../infra/config";
import {
  admissionAgainstNodeAgents,
  admissionAgainstThreatDetection,
  admissionSchema,
  checkAdmission,
  checkThreatDetection,
  DEFAULT_EXEMPT_NAMESPACES,
  DEFAULT_UPSTREAM_IMAGE_PREFIXES,
  threatDetectionSchema,
} from "../../../infra/config/admission";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../../infra/config/cluster";
import { DEFAULT_ALLOWED_IMAGE_PREFIXES } from "../../../policy/registry";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";

const TOPIC = "arn:aws:sns:us-west-2:123456789012:platform-production-alarms-critical";

function messages(schema: typeof admissionSchema | typeof threatDetectionSchema, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("platform:admission", () => {
  test("defaults: deny and audit, the three system namespaces, the platform charts' upstream images", () => {
    expect(admissionSchema.parse({})).toEqual({
      validationActions: ["Deny", "Audit"],
      exemptNamespaces: DEFAULT_EXEMPT_NAMESPACES,
      allowedImagePrefixes: DEFAULT_UPSTREAM_IMAGE_PREFIXES,
    });
  });

  test.each<[unknown, string[]]>([
    [{ validationActions: [] }, ["validationActions: must name at least one of Deny, Warn, Audit"]],
    [{ validationActions: ["Block"] }, ["validationActions.0: must be Deny, Warn or Audit"]],
    [
      { exemptNamespaces: ["Kube_System"] },
      [
        "exemptNamespaces.0: must be a namespace name (lower-case letters, digits and '-', at most 63 characters)",
      ],
    ],
    [
      { allowedImagePrefixes: [""] },
      ["allowedImagePrefixes.0: must not be empty (it would allow every image)"],
    ],
    [{ enforce: true }, [': Unrecognized key: "enforce"']],
  ])("%j is refused", (value, expected) => {
    expect(messages(admissionSchema, value)).toEqual(expected);
  });

  test("production denies; actions are unique, never Deny with Warn, and report", () => {
    const check = (validationActions: ("Deny" | "Warn" | "Audit")[], env = "production") =>
      checkAdmission(admissionSchema.parse({ validationActions }), env).map((p) => `${p.key}: ${p.message}`);
    const key = "platform:admission.validationActions";
    expect(check(["Deny", "Audit"])).toEqual([]);
    expect(check(["Warn", "Audit"], "staging")).toEqual([]);
    expect(check(["Warn", "Audit"])).toEqual([`${key}: production refuses violations: include Deny`]);
    expect(check(["Deny", "Warn"])).toEqual([`${key}: may not hold both Deny and Warn (the API refuses it)`]);
    expect(check(["Audit", "Audit", "Deny"])).toEqual([`${key}: names an action twice`]);
    expect(check(["Deny"])).toEqual([`${key}: must report violations: include Audit (or Warn)`]);
    expect(
      checkAdmission(admissionSchema.parse({ exemptNamespaces: ["kube-system", "kube-system"] }), "dev"),
    ).toEqual([
      {
        key: "platform:admission.exemptNamespaces",
        received: ["kube-system", "kube-system"],
        message: "names kube-system twice",
      },
    ]);
  });

  test("every Kubernetes version platform:cluster accepts has ValidatingAdmissionPolicy v1 (1.30+)", () => {
    for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
      const [major, minor] = version.split(".").map(Number);
      expect(major > 1 || minor >= 30).toBe(true);
    }
  });
});

describe("platform:threatDetection", () => {
  test("defaults: severity 7 (High) and up, no emails, no topic", () => {
    expect(threatDetectionSchema.parse({ mode: "manage" })).toEqual({
      mode: "manage",
      minSeverity: 7,
      alertEmails: [],
    });
  });

  test.each<[unknown, string[]]>([
    [{ mode: "on" }, ["mode: must be manage, external or off"]],
    [
      { mode: "manage", minSeverity: 0 },
      ["minSeverity: must be a number from 1 to 10 (GuardDuty severity: 4 Medium, 7 High, 9 Critical)"],
    ],
    [
      { mode: "manage", alertTopicArn: "platform-alarms" },
      ["alertTopicArn: must be an SNS topic ARN: arn:aws:sns:<region>:<account>:<name>"],
    ],
    [{ mode: "manage", alertEmails: ["oncall"] }, ["alertEmails.0: must be an email address"]],
  ])("%j is refused", (value, expected) => {
    expect(messages(threatDetectionSchema, value)).toEqual(expected);
  });

  test("production does not turn it off; emails only for the stack's own topic", () => {
    expect(checkThreatDetection(threatDetectionSchema.parse({ mode: "off" }), "dev")).toEqual([]);
    expect(checkThreatDetection(threatDetectionSchema.parse({ mode: "off" }), "production")).toEqual([
      {
        key: "platform:threatDetection.mode",
        received: "off",
        message:
          "production watches its cluster for threats: use manage, or external when another stack owns the detector",
      },
    ]);
    expect(
      checkThreatDetection(
        threatDetectionSchema.parse({
          mode: "external",
          alertTopicArn: TOPIC,
          alertEmails: ["a@example.com"],
        }),
        "dev",
      ).map((p) => p.key),
    ).toEqual(["platform:threatDetection.alertEmails"]);
  });

  test("a managed detector needs the GuardDuty agent's namespace exempt", () => {
    const admission = admissionSchema.parse({});
    expect(
      admissionAgainstThreatDetection(admission, threatDetectionSchema.parse({ mode: "external" })),
    ).toEqual([]);
    expect(
      admissionAgainstThreatDetection(admission, threatDetectionSchema.parse({ mode: "manage" })),
    ).toEqual([
      {
        key: "platform:admission.exemptNamespaces",
        received: DEFAULT_EXEMPT_NAMESPACES,
        message:
          "must include amazon-guardduty: GuardDuty's runtime agent runs there with host access and AWS's images",
      },
    ]);
  });
});

describe("platform:admission against platform:observability", () => {
  test("the node agents' namespace must be exempt (host access, Pod Security privileged)", () => {
    const admission = admissionSchema.parse({});
    expect(
      admissionAgainstNodeAgents({ ...admission, exemptNamespaces: ["node-agents"] }, "node-agents"),
    ).toEqual([]);
    expect(admissionAgainstNodeAgents(admission, "node-agents")).toEqual([
      {
        key: "platform:admission.exemptNamespaces",
        received: DEFAULT_EXEMPT_NAMESPACES,
        message:
          "must include node-agents (platform:observability.nodeAgentsNamespace): node-exporter and Fluent Bit run there with host access under Pod Security privileged",
      },
    ]);
  });
});

describe("the stack files", () => {
  const raw = (stack: string): Record<string, string> => ({ ...readStackFiles(PROJECT_DIR, stack).config });

  test.each(["dev", "staging", "production"])(
    "%s: the cluster admits every upstream image the pack admits (one rule on both sides)",
    (stack) => {
      const config = parseConfig(raw(stack), "platform", stack);
      for (const prefix of DEFAULT_ALLOWED_IMAGE_PREFIXES) {
        expect(config.admission.allowedImagePrefixes).toContain(prefix);
      }
    },
  );

  test("production: the node agents' namespace left out of the exempt ones is reported on its key", () => {
    const config = raw("production");
    const admission = JSON.parse(config["platform:admission"]) as Record<string, unknown>;
    admission.exemptNamespaces = ["kube-system", "amazon-guardduty"];
    config["platform:admission"] = JSON.stringify(admission);
    expect(() => parseConfig(config, "platform", "production")).toThrow(
      "must include node-agents (platform:observability.nodeAgentsNamespace)",
    );
  });

  test("production: a managed detector without the agent's namespace exempt is reported on its key", () => {
    const config = raw("production");
    const admission = JSON.parse(config["platform:admission"]) as Record<string, unknown>;
    admission.exemptNamespaces = ["kube-system", "node-agents"];
    config["platform:admission"] = JSON.stringify(admission);
    expect(() => parseConfig(config, "platform", "production")).toThrow(ConfigError);
    try {
      parseConfig(config, "platform", "production");
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.key)).toEqual([
        "platform:admission.exemptNamespaces",
      ]);
    }
  });
});
