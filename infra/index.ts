/**
 * Stack entry point: validate the stack's configuration (all problems at once, before any
 * resource exists), then build the platform and export its outputs.
 */
import { loadConfig } from "./config";
import { createPlatform } from "./platform";

export = async () => {
  const config = loadConfig();
  return createPlatform(config);
};
