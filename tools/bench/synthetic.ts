/**
 * Synthetic service declarations for the benchmark: `n` services shaped like real ones (each on
 * postgres, every third on redis, each calling the one before it, every tenth exposed), so the
 * preview's time can be measured against the number of services. Pure and deterministic.
 */
import type { ServiceDeclaration } from "../../components/workloads/declaration";

export const SYNTHETIC_CERTIFICATE_ARN =
  "arn:aws:acm:us-west-2:123456789012:certificate/00000000-0000-0000-0000-000000000000";

/** Name of the i-th synthetic service (`svc-0001`, ...). */
export function syntheticName(i: number): string {
  return `svc-${String(i).padStart(4, "0")}`;
}

export function syntheticServices(n: number): ServiceDeclaration[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`syntheticServices: n must be a non-negative integer, got ${n}`);
  }
  return Array.from({ length: n }, (_, index): ServiceDeclaration => {
    const i = index + 1;
    const name = syntheticName(i);
    return {
      name,
      image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/${name}:1.0.0`,
      ports: { http: 8000, metrics: 9090 },
      replicas: 2,
      autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70, memoryUtilization: 80 },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      dependsOn: ["postgres", ...(i % 3 === 0 ? ["redis"] : []), ...(i > 1 ? [syntheticName(i - 1)] : [])],
      internetEgress: i % 5 === 0,
      expose:
        i % 10 === 0
          ? {
              scheme: "internet-facing",
              host: `${name}.example.com`,
              certificateArn: SYNTHETIC_CERTIFICATE_ARN,
            }
          : undefined,
      config: { LOG_LEVEL: "info" },
      secretEnv: [{ name: "DATABASE_PASSWORD", secretName: `${name}-db`, key: "password" }],
    };
  });
}
