/**
 * CrossGuard internals the evaluator reuses so that it behaves exactly like the analyzer: the
 * unknown-checking proxy and the policy type guards. `@pulumi/policy` exports them at runtime but
 * strips them from its type declarations (`@internal`), hence the typed view below.
 */
import * as policyModule from "@pulumi/policy";
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

interface Internals {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: new (...args: never[]) => Error;
  isResourcePolicy(p: Policy): p is ResourceValidationPolicy;
  isStackPolicy(p: Policy): p is StackValidationPolicy;
}

const internals = policyModule as unknown as Internals;

export const unknownCheckingProxy = internals.unknownCheckingProxy;
export const UnknownValueError = internals.UnknownValueError;
export const isResourcePolicy = internals.isResourcePolicy;
export const isStackPolicy = internals.isStackPolicy;
