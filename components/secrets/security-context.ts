/** Security contexts of every pod and container the secrets components run or configure: PSS `restricted`. */

/** Container: no privilege escalation, read-only root filesystem, non-root, no capabilities, seccomp RuntimeDefault. */
export function restrictedContainerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod security context for a UID/GID: non-root, seccomp RuntimeDefault, volumes group-owned. */
export function restrictedPodSecurityContext(uid: number, gid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
