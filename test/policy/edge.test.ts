import { albAccessLogsEnabled, publicIngressHasWaf } from "../../policy/edge";
import { describeResourcePolicies } from "./cases";
import { messages, res, run } from "./helpers";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const ACL = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/platform-test/0000";
const ATTRIBUTES =
  "access_logs.s3.enabled=true,access_logs.s3.bucket=logs,access_logs.s3.prefix=api,deletion_protection.enabled=true,routing.http.drop_invalid_header_fields.enabled=true";
const annotations = {
  "alb.ingress.kubernetes.io/scheme": "internet-facing",
  "alb.ingress.kubernetes.io/wafv2-acl-arn": ACL,
  "alb.ingress.kubernetes.io/load-balancer-attributes": ATTRIBUTES,
};
const ingress = {
  metadata: { name: "api", namespace: "api", annotations },
  spec: { ingressClassName: "alb", rules: [] },
};
const I = "Ingress 'api-ingress'";

describeResourcePolicies([
  {
    policy: publicIngressHasWaf,
    type: INGRESS,
    name: "api-ingress",
    valid: ingress,
    failures: [
      [
        "metadata.annotations",
        { ...annotations, "alb.ingress.kubernetes.io/wafv2-acl-arn": undefined },
        `Internet-facing ${I} has no WAFv2 web ACL. Remediation: set the annotation 'alb.ingress.kubernetes.io/wafv2-acl-arn' on ${I} to the web ACL's ARN (platform:edge.waf.enabled).`,
      ],
      [
        "metadata.annotations",
        { ...annotations, "alb.ingress.kubernetes.io/wafv2-acl-arn": "" },
        `Internet-facing ${I} has no WAFv2 web ACL. Remediation: set the annotation 'alb.ingress.kubernetes.io/wafv2-acl-arn' on ${I} to the web ACL's ARN (platform:edge.waf.enabled).`,
      ],
    ],
  },
  {
    policy: albAccessLogsEnabled,
    type: INGRESS,
    name: "api-ingress",
    valid: ingress,
    failures: [
      [
        "metadata.annotations",
        {
          ...annotations,
          "alb.ingress.kubernetes.io/load-balancer-attributes": ATTRIBUTES.replace(
            "enabled=true",
            "enabled=false",
          ),
        },
        `${I} creates a load balancer without access logs. Remediation: add 'access_logs.s3.enabled=true,access_logs.s3.bucket=<bucket>' to the annotation 'alb.ingress.kubernetes.io/load-balancer-attributes' of ${I}.`,
      ],
      [
        "metadata.annotations",
        {
          ...annotations,
          "alb.ingress.kubernetes.io/load-balancer-attributes": "access_logs.s3.enabled=true",
        },
        `${I} creates a load balancer without access logs. Remediation: add 'access_logs.s3.enabled=true,access_logs.s3.bucket=<bucket>' to the annotation 'alb.ingress.kubernetes.io/load-balancer-attributes' of ${I}.`,
      ],
    ],
  },
  {
    policy: albAccessLogsEnabled,
    type: "aws:lb/loadBalancer:LoadBalancer",
    name: "alb",
    valid: { loadBalancerType: "application", accessLogs: { enabled: true, bucket: "logs" } },
    failures: [
      [
        "accessLogs.enabled",
        false,
        "LoadBalancer 'alb' writes no access logs. Remediation: set 'accessLogs: { enabled: true, bucket: <bucket> }' on LoadBalancer 'alb'.",
      ],
    ],
  },
]);

describe("edge policies: what they do not judge", () => {
  test("an internal ALB Ingress needs no WAF; a non-ALB Ingress is neither assessed", async () => {
    const internal = {
      ...ingress,
      metadata: {
        ...ingress.metadata,
        annotations: { "alb.ingress.kubernetes.io/scheme": "internal" },
      },
    };
    const nginx = { metadata: { name: "web" }, spec: { ingressClassName: "nginx" } };
    const result = await run(publicIngressHasWaf, [res(INGRESS, "i", internal), res(INGRESS, "n", nginx)]);
    expect(result.outcomes[0]).toMatchObject({ assessed: 0, passed: 0 });
    expect((await run(albAccessLogsEnabled, [res(INGRESS, "n", nginx)])).outcomes[0]).toMatchObject({
      assessed: 0,
    });
  });

  test("a Network Load Balancer is not judged for access logs", async () => {
    expect(
      await messages(albAccessLogsEnabled, [
        res("aws:lb/loadBalancer:LoadBalancer", "nlb", { loadBalancerType: "network" }),
      ]),
    ).toEqual([]);
  });
});
