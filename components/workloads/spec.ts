/**
 * The service declaration, as users write it in `platform:services`, and the pure rules about it:
 * one import for the stack-config schema (`infra/config/services.ts`), the Vault wiring and programs
 * that use these components as a library.
 *
 * The same functions back the config schema and the {@link PlatformService} component's own
 * validation, so a declaration is judged identically whether it comes from a stack file or from
 * code. No Pulumi imports: everything here is plain data. Each area lives in its own module:
 * - `declaration.ts`: the types, defaults and limits;
 * - `field-rules.ts`: single fields (formats and ranges);
 * - `cross-field-rules.ts`: fields of one declaration against each other;
 * - `vault-rules.ts`: the `vault` declaration and the Vault workloads of a set of services;
 * - `set-rules.ts`: the services of a stack against each other, and who calls whom;
 * - `scaling-plan.ts`: replica arithmetic (Deployment, HPA, PodDisruptionBudget);
 * - `release-rules.ts`: the `release` declaration (rolling or canary) and its defaults.
 */
export * from "./declaration";
export * from "./field-rules";
export * from "./cross-field-rules";
export * from "./vault-rules";
export * from "./set-rules";
export * from "./scaling-plan";
export * from "./release-rules";
