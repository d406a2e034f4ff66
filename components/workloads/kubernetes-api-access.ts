/**
 * Read-only access to the Kubernetes API in the service's own namespace (decision 0043): a Role that
 * may get, list and watch the declared resources, bound to the service's ServiceAccount. The egress
 * to the API server is one of the network policies.
 */
import * as k8s from "@pulumi/kubernetes";
import { KUBERNETES_READABLE, type KubernetesApiDeclaration } from "./declaration";
import type { ServiceScope } from "./scope";

type Readable = keyof typeof KUBERNETES_READABLE;

/** The Role (one rule per API group, resources sorted) and its RoleBinding. */
export function createKubernetesApiAccess(
  s: ServiceScope,
  access: KubernetesApiDeclaration,
  serviceAccount: k8s.core.v1.ServiceAccount,
): void {
  const resources = [...new Set(access.readOnly)].sort();
  const groups = [...new Set(resources.map((r) => KUBERNETES_READABLE[r as Readable]))];
  const role = new k8s.rbac.v1.Role(
    `${s.name}-api-reader`,
    {
      metadata: s.meta(`${s.service}-api-reader`),
      rules: groups.sort().map((group) => ({
        apiGroups: [group],
        resources: resources.filter((r) => KUBERNETES_READABLE[r as Readable] === group),
        verbs: ["get", "list", "watch"],
      })),
    },
    s.child,
  );
  new k8s.rbac.v1.RoleBinding(
    `${s.name}-api-reader`,
    {
      metadata: s.meta(`${s.service}-api-reader`),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: s.namespace }],
    },
    s.child,
  );
}
