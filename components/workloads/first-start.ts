/**
 * What a service needs from Vault before its first pod can start, and who writes it (decision 0123).
 * The Vault agent's init container blocks until every declared secret can be read, so a Deployment
 * that Pulumi awaits must only need secrets the platform writes during the same `pulumi up`:
 * - `database/creds/<service>`: the platform (the bootstrap Job writes the database role; the role's
 *   creation statements create the service's group role on first use);
 * - `<kvMount>/<service>/<key>`: the application (CI writes them, after Vault exists).
 * A service that reads application-owned secrets is therefore not awaited (`pulumi.com/skipAwait`):
 * its pods start once CI has written them, and `pulumi up` does not time out on a fresh stack.
 */
import type { VaultDeclaration } from "./declaration";

/** Who writes a Vault path a service reads. */
export type VaultPathWriter = "platform" | "application";

/** Annotation that tells the Kubernetes provider not to wait for the object to become ready. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** Who writes `path` (a declared `vault.secrets[].path`) before the service starts. */
export function vaultPathWriter(path: string): VaultPathWriter {
  return path.startsWith("database/creds/") ? "platform" : "application";
}

/** The declared paths the platform does not write (the first start waits for CI). */
export function applicationOwnedPaths(vault: VaultDeclaration | undefined): string[] {
  return (vault?.secrets ?? []).map((s) => s.path).filter((p) => vaultPathWriter(p) === "application");
}

/**
 * Annotations of the service's Deployment: `pulumi.com/skipAwait` when its first start needs
 * application-owned secrets (Pulumi cannot wait for what CI writes afterwards); none otherwise.
 */
export function firstStartAnnotations(vault: VaultDeclaration | undefined): Record<string, string> {
  return applicationOwnedPaths(vault).length > 0 ? { [SKIP_AWAIT_ANNOTATION]: "true" } : {};
}
