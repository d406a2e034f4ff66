/**
 * Stack traces off while a program runs under the mocks. The Pulumi SDK captures a stack trace for
 * every promise it creates (`debuggablePromise`) and every resource; with source maps (tsx, jest),
 * that was half of the CPU time of a test that runs a whole stack, and a fifth of the preview's.
 * Errors keep their message; only their `stack` has no frames. Set `PLATFORM_STACK_TRACES=1` to
 * keep the traces when debugging an error thrown inside a component.
 */

/** Turns stack traces off (unless `PLATFORM_STACK_TRACES=1`); call the result to restore them. */
export function suspendStackTraces(): () => void {
  const limit = Error.stackTraceLimit;
  if (process.env.PLATFORM_STACK_TRACES !== "1") {
    Error.stackTraceLimit = 0;
  }
  return () => {
    Error.stackTraceLimit = limit;
  };
}
