import {
  certificateRegionProblems,
  checkEdge,
  edgeSchema,
  type EdgeConfig,
} from "../../../infra/config/edge";
import { servicesSchema } from "../../../infra/config/services";

const SEED = {
  waf: { enabled: true, rateLimit: 2000, logRetentionDays: 365 },
  accessLogs: { retentionDays: 90 },
  deletionProtection: true,
};

function messages(value: unknown): string[] {
  const result = edgeSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("platform:edge schema", () => {
  test("accepts the production values; rate limit and WAF log retention have defaults", () => {
    expect(edgeSchema.parse(SEED)).toEqual(SEED);
    expect(edgeSchema.parse({ ...SEED, waf: { enabled: false } }).waf).toEqual({
      enabled: false,
      rateLimit: 2000,
      logRetentionDays: 90,
    });
  });

  test.each<[unknown, string[]]>([
    [
      { ...SEED, waf: { ...SEED.waf, rateLimit: 5 } },
      ["waf.rateLimit: must be an integer from 10 to 2000000000 (requests per client IP in 5 minutes)"],
    ],
    [
      { ...SEED, waf: { ...SEED.waf, rateLimit: 100.5 } },
      ["waf.rateLimit: must be an integer from 10 to 2000000000 (requests per client IP in 5 minutes)"],
    ],
    [
      { ...SEED, waf: { ...SEED.waf, logRetentionDays: 10 } },
      [
        "waf.logRetentionDays: must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days",
      ],
    ],
    [
      { ...SEED, accessLogs: { retentionDays: 0 } },
      ["accessLogs.retentionDays: must be an integer of at least 1 (days)"],
    ],
    [{ ...SEED, deletionProtection: "yes" }, ["deletionProtection: must be true or false"]],
    [{ ...SEED, waf: { ...SEED.waf, enabled: undefined } }, ["waf.enabled: must be true or false"]],
  ])("%j is refused", (value, expected) => {
    expect(messages(value)).toEqual(expected);
  });
});

describe("checkEdge", () => {
  const edge = (over: Partial<EdgeConfig>): EdgeConfig => ({ ...edgeSchema.parse(SEED), ...over });
  const off = { enabled: false, rateLimit: 2000, logRetentionDays: 90 };

  test("dev may run without WAF and deletion protection", () => {
    expect(checkEdge(edge({ waf: off, deletionProtection: false }), "dev")).toEqual([]);
  });

  test("staging needs the WAF; production needs the WAF and deletion protection", () => {
    expect(checkEdge(edge({ waf: off, deletionProtection: false }), "staging")).toEqual([
      {
        key: "platform:edge.waf.enabled",
        received: false,
        message: "staging puts its public load balancers behind the web ACL: set it to true",
      },
    ]);
    expect(checkEdge(edge({ waf: off, deletionProtection: false }), "production")).toEqual([
      {
        key: "platform:edge.waf.enabled",
        received: false,
        message: "production puts its public load balancers behind the web ACL: set it to true",
      },
      {
        key: "platform:edge.deletionProtection",
        received: false,
        message: "production protects its load balancers from deletion: set it to true",
      },
    ]);
  });
});

describe("certificateRegionProblems", () => {
  const services = (certificateArn: string) =>
    servicesSchema.parse({
      ingressController: { chartVersion: "1.13.0" },
      services: [
        {
          name: "api",
          image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0",
          ports: { http: 8000 },
          replicas: 2,
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
          expose: { scheme: "internet-facing", host: "api.example.com", certificateArn },
        },
        {
          name: "worker",
          image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/worker:1.0.0",
          ports: { http: 8000 },
          replicas: 2,
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        },
      ],
    });
  const arn = (region: string) =>
    `arn:aws:acm:${region}:123456789012:certificate/00000000-0000-0000-0000-000000000000`;

  test("a certificate in the stack's region passes; unexposed services are not judged", () => {
    expect(certificateRegionProblems(services(arn("us-west-2")), "us-west-2")).toEqual([]);
  });

  test("a us-east-1 certificate for a us-west-2 ALB is refused before deploy", () => {
    expect(certificateRegionProblems(services(arn("us-east-1")), "us-west-2")).toEqual([
      {
        key: "platform:services.services[0].expose.certificateArn",
        received: arn("us-east-1"),
        message:
          "is in us-east-1; an ALB in us-west-2 only takes an ACM certificate from us-west-2: request or import the certificate there",
      },
    ]);
  });
});
