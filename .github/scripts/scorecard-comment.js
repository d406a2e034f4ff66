// @ts-check
/**
 * The pull request's readiness scorecard comment: one comment for every stack, found again by its
 * marker and updated in place, so a pull request never collects one comment per push.
 * Called from actions/github-script in .github/workflows/pull-request.yml.
 */
const fs = require("fs");
const path = require("path");

/** Hidden marker that identifies the comment. */
const MARKER = "<!-- platform-readiness-scorecard -->";
/** The author of comments made with the workflow's GITHUB_TOKEN. */
const BOT = "github-actions[bot]";
/** GitHub refuses comments over 65536 characters; keep room for the truncation note. */
const MAX_BODY = 65000;

/** "GO", "NO-GO"... from the scorecard's `**Verdict: X**` line. */
function verdictOf(markdown) {
  const match = /\*\*Verdict: ([^*]+)\*\*/.exec(markdown);
  return match ? match[1].trim() : "no verdict";
}

/** Headings two levels down, so each stack's scorecard nests under the comment's own heading. */
function demote(markdown) {
  return markdown.replace(/^(#{1,4}) /gm, "$1## ");
}

/**
 * The comment body. `scorecards` maps each stack to its Markdown scorecard, or undefined when the
 * stack's job wrote none (it failed earlier).
 * @param {Record<string, string | undefined>} scorecards
 * @param {string} runUrl
 */
function commentBody(scorecards, runUrl) {
  const sections = Object.entries(scorecards).map(([stack, markdown]) =>
    markdown === undefined
      ? `**${stack}**: no scorecard (the job failed before writing it; see the run)`
      : `<details><summary><b>${stack}</b>: ${verdictOf(markdown)}</summary>\n\n${demote(markdown.trim())}\n\n</details>`,
  );
  const body = [MARKER, "## Readiness scorecard", "", ...sections, "", `From [this run](${runUrl}).`].join(
    "\n",
  );
  return body.length <= MAX_BODY
    ? body
    : `${body.slice(0, MAX_BODY)}\n\n(truncated: the full scorecards are in the run's job summaries)`;
}

/** Reads `scorecard-<stack>.md` of each stack from `dir`. */
function readScorecards(dir, stacks) {
  return Object.fromEntries(
    stacks.map((stack) => {
      const file = path.join(dir, `scorecard-${stack}.md`);
      return [stack, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined];
    }),
  );
}

/**
 * Creates the comment, or updates the one this workflow made before.
 * @returns {Promise<{ action: "created" | "updated", id: number }>}
 */
async function upsertComment({ github, context, body }) {
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  const previous = comments.find((c) => c.user && c.user.login === BOT && (c.body || "").includes(MARKER));
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
    return { action: "updated", id: previous.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return { action: "created", id: created.data.id };
}

/** Entry point for github-script. */
async function postScorecards({ github, context, core, dir, stacks }) {
  const runUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
  const result = await upsertComment({
    github,
    context,
    body: commentBody(readScorecards(dir, stacks), runUrl),
  });
  core.info(`Scorecard comment ${result.action} (id ${result.id}).`);
  return result;
}

module.exports = { MARKER, BOT, MAX_BODY, commentBody, readScorecards, upsertComment, postScorecards };
