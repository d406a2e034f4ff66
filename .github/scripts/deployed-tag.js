// @ts-check
/**
 * The `deployed/<stack>` git tag: the last commit that was deployed to the stack and passed its
 * smoke test. A failed deployment re-deploys that commit (.github/workflows/deploy-stack.yml).
 * Moved with the GitHub API, so the job never stores git credentials.
 */

/**
 * Points `tag` at `sha`, creating it the first time.
 * @returns {Promise<"moved" | "created">}
 */
async function recordDeployment({ github, context, tag, sha }) {
  const { owner, repo } = context.repo;
  try {
    await github.rest.git.updateRef({ owner, repo, ref: `tags/${tag}`, sha, force: true });
    return "moved";
  } catch (error) {
    // 422 "Reference does not exist": the stack's first good deployment.
    if (!error || error.status !== 422) {
      throw error;
    }
  }
  await github.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha });
  return "created";
}

module.exports = { recordDeployment };
