/**
 * Step "edge": the web ACL in front of the public load balancers (when `platform:edge.waf.enabled`)
 * and the bucket of their access logs, shared by every exposed service.
 */
import type * as aws from "@pulumi/aws";
import { EdgeProtection } from "../components/edge/edge-protection";
import type { KmsKeys } from "../components/security/kms";
import type { PlatformConfig } from "./config";

export function createEdge(config: PlatformConfig, provider: aws.Provider, kms: KmsKeys): EdgeProtection {
  const { waf, accessLogs, deletionProtection } = config.edge;
  return new EdgeProtection(
    "edge",
    {
      namePrefix: `${config.project}-${config.stack}`,
      region: config.region,
      waf: waf.enabled
        ? {
            rateLimit: waf.rateLimit,
            logRetentionDays: waf.logRetentionDays,
            logsKmsKeyArn: kms.keyArns.logs,
          }
        : undefined,
      accessLogRetentionDays: accessLogs.retentionDays,
      deletionProtection,
      protect: config.protectStatefulResources,
    },
    { providers: [provider] },
  );
}
