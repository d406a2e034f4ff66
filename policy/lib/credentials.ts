/**
 * Recognises credentials written in plain text: by the name they are stored under (`*_KEY`,
 * `*_TOKEN`, `*_SECRET`, `*PASSWORD*`) or by their shape (a URL with a password in its user info,
 * well-known token formats). Shared by the `no-plaintext-credentials` policy and the stack config
 * validation (infra/config/services.ts), so that both refuse the same values.
 */

/** Names that hold a credential: `DB_PASSWORD`, `STRIPE_KEY`, `GITHUB_TOKEN`, `CLIENT_SECRET`, `API_KEY`. */
const CREDENTIAL_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|SECRET|TOKEN|(^|[_.-])KEY$|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)/i;

/**
 * Names that point at a credential rather than hold one (`DB_SECRET_ARN`, `TOKEN_FILE`, `KMS_KEY_ID`),
 * or that are settings about one (`TOKEN_TTL`).
 */
const REFERENCE_NAME = /([_.-](ARN|ID|NAME|FILE|PATH|REF|URL|TTL|TYPE|HEADER|ALGORITHM))$/i;

/** Well-known token shapes, each with what it is. */
const TOKEN_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key ID"],
  [/\b[sr]k_(live|test)_[0-9A-Za-z]{10,}\b/, "a Stripe secret key"],
  [/\bgh[pousr]_[0-9A-Za-z]{36,}\b/, "a GitHub token"],
  [/\bgithub_pat_[0-9A-Za-z_]{22,}\b/, "a GitHub token"],
  [/\bxox[abposr]-[0-9A-Za-z-]{10,}\b/, "a Slack token"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
];

/** `scheme://user:password@host`: a password in a URL's user info (group 1). */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/gi;

/** A placeholder filled in later (`{{password}}`, `${DB_PASSWORD}`, `$PASS`, `<password>`, `%s`): no credential. */
const PLACEHOLDER = /^(\{\{[^}]*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]+>|%s)$/;

/** Whether a name (env variable, ConfigMap key) says it holds a credential. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name) && !REFERENCE_NAME.test(name);
}

/** What credential a value looks like (`"a URL with a password"`), or undefined. */
export function credentialShape(value: string): string | undefined {
  for (const [, password] of value.matchAll(URL_WITH_PASSWORD)) {
    if (!PLACEHOLDER.test(password)) {
      return "a URL with a password in it";
    }
  }
  return TOKEN_SHAPES.find(([shape]) => shape.test(value))?.[1];
}

/**
 * Why `name: value` is a plain-text credential (`"its name says it holds a credential"`,
 * `"its value looks like a GitHub token"`), or undefined. An empty value holds nothing.
 */
export function plaintextCredential(name: string, value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") {
    return undefined;
  }
  const shape = credentialShape(value);
  if (shape !== undefined) {
    return `its value looks like ${shape}`;
  }
  return isCredentialName(name) ? "its name says it holds a credential" : undefined;
}
