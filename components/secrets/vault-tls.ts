/**
 * TLS of Vault's listener: a private CA for Vault only, issued and renewed by cert-manager.
 * Self-signed root → CA (in cert-manager's namespace, where a ClusterIssuer reads its key) →
 * ClusterIssuer (`caIssuerName`) → listener certificate (90 days, renewed 30 days before expiry). The
 * ClusterIssuer also gives every Vault client namespace a certificate whose Secret carries `ca.crt`
 * (decision 0056).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { TLS_SECRET, type VaultConventions, vaultServiceHost, vaultTlsDnsNames } from "./vault-layout";

/** Creates the CA chain and the listener certificate; returns the certificate (the release waits for it). */
export function createVaultTls(
  name: string,
  namespace: pulumi.Input<string>,
  conventions: VaultConventions,
  certManager: pulumi.Resource,
  parent: pulumi.Resource,
): pulumi.Resource {
  const cr = (
    key: string,
    kind: string,
    metadata: Record<string, unknown>,
    spec: Record<string, unknown>,
    dependsOn: pulumi.Resource[],
  ) =>
    new k8s.apiextensions.CustomResource(
      `${name}-${key}`,
      { apiVersion: "cert-manager.io/v1", kind, metadata, spec },
      { parent, dependsOn },
    );
  const inCertManager = (objectName: string) => ({
    name: objectName,
    namespace: conventions.certManagerNamespace,
  });
  const selfSigned = cr("selfsigned", "Issuer", inCertManager("vault-selfsigned"), { selfSigned: {} }, [
    certManager,
  ]);
  const caCert = cr(
    "ca",
    "Certificate",
    inCertManager("vault-ca"),
    {
      isCA: true,
      commonName: "Vault CA",
      secretName: "vault-ca",
      duration: "87600h",
      privateKey: { algorithm: "ECDSA", size: 256 },
      issuerRef: { name: "vault-selfsigned", kind: "Issuer", group: "cert-manager.io" },
    },
    [selfSigned],
  );
  const caIssuer = cr(
    "ca-issuer",
    "ClusterIssuer",
    { name: conventions.caIssuerName },
    { ca: { secretName: "vault-ca" } },
    [caCert],
  );
  return cr(
    "server-tls",
    "Certificate",
    { name: "vault-server-tls", namespace },
    {
      secretName: TLS_SECRET,
      commonName: vaultServiceHost(conventions.namespace),
      dnsNames: vaultTlsDnsNames(conventions.namespace),
      ipAddresses: ["127.0.0.1"],
      duration: "2160h",
      renewBefore: "720h",
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      usages: ["server auth", "digital signature", "key encipherment"],
      issuerRef: { name: conventions.caIssuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
    },
    [caIssuer],
  );
}
