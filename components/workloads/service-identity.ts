/**
 * Who the service's pods are: a ServiceAccount that never automounts an API token and, when the
 * service has an IAM policy, its own AWS role bound to that ServiceAccount by EKS Pod Identity.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import type { ServiceScope } from "./scope";

/** The ServiceAccount, named after the service; pods that need the API opt in themselves. */
export function createServiceAccount(s: ServiceScope): k8s.core.v1.ServiceAccount {
  return new k8s.core.v1.ServiceAccount(
    `${s.name}-service-account`,
    { metadata: s.meta(s.service), automountServiceAccountToken: false },
    s.child,
  );
}

/** The service's AWS role with `policyJson` inline, associated with its ServiceAccount. */
export function createAwsIdentity(s: ServiceScope, policyJson: pulumi.Input<string>): WorkloadIdentity {
  return new WorkloadIdentity(
    `${s.name}-identity`,
    {
      clusterName: s.args.clusterName!,
      namespace: s.service,
      serviceAccount: s.service,
      policyJson,
    },
    s.child,
  );
}
