// @ts-check
/**
 * The drift issue: one open issue that says which stacks drifted from their code. A drifting night
 * opens it or updates it (with a comment, so watchers hear of it); a clean night closes it.
 * Called from actions/github-script in .github/workflows/drift.yml.
 */
const fs = require("fs");
const path = require("path");

/** Hidden marker that identifies the issue. */
const MARKER = "<!-- platform-drift-detection -->";
/** The author of issues made with the workflow's GITHUB_TOKEN. */
const BOT = "github-actions[bot]";
const TITLE = "Drift detected: the cloud differs from the stacks' code";

/** What a stack's drift job concluded. */
const MEANINGS = {
  clean: "no drift",
  drift: "**drift**: `pulumi preview --refresh` proposes changes",
  error: "**error**: the check itself failed (credentials, network, program)",
  unknown: "**unknown**: the job reported nothing (cancelled or failed early)",
};

/** Reads `<stack>.txt` (clean, drift or error) of each stack from `dir`; missing or odd: unknown. */
function readResults(dir, stacks) {
  return Object.fromEntries(
    stacks.map((stack) => {
      const file = path.join(dir, `${stack}.txt`);
      const value = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "unknown";
      return [stack, Object.keys(MEANINGS).includes(value) ? value : "unknown"];
    }),
  );
}

/** @param {Record<string, string>} results @param {string} runUrl */
function issueBody(results, runUrl) {
  const rows = Object.entries(results).map(([stack, result]) => `| ${stack} | ${MEANINGS[result]} |`);
  return [
    MARKER,
    `Nightly drift detection found stacks that differ from their code ([run](${runUrl})).`,
    "",
    "| stack | result |",
    "| --- | --- |",
    ...rows,
    "",
    "Read the run's log for the proposed changes. Either bring the code in line with the change made",
    "outside Pulumi, or run `pulumi up` to undo it. This issue closes itself after a clean night.",
  ].join("\n");
}

/**
 * Opens, updates or closes the drift issue.
 * @returns {Promise<"opened" | "updated" | "closed" | "none">}
 */
async function reportDrift({ github, context, results, runUrl }) {
  const { owner, repo } = context.repo;
  const open = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    creator: BOT,
    per_page: 100,
  });
  const issue = open.find((i) => !i.pull_request && (i.body || "").includes(MARKER));
  const troubled = Object.values(results).some((r) => r !== "clean");
  if (!troubled) {
    if (!issue) {
      return "none";
    }
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: `No drift in any stack ([run](${runUrl})): closing.`,
    });
    await github.rest.issues.update({ owner, repo, issue_number: issue.number, state: "closed" });
    return "closed";
  }
  const body = issueBody(results, runUrl);
  if (issue) {
    await github.rest.issues.update({ owner, repo, issue_number: issue.number, body });
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: `Still drifting ([run](${runUrl})); the table above is current.`,
    });
    return "updated";
  }
  await github.rest.issues.create({ owner, repo, title: TITLE, body, labels: ["drift"] });
  return "opened";
}

/** Entry point for github-script: reads the stacks' results and reports them (the detect jobs fail on their own). */
async function reportDriftFromDir({ github, context, core, dir, stacks }) {
  const runUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
  const results = readResults(dir, stacks);
  const action = await reportDrift({ github, context, results, runUrl });
  core.info(`Drift issue: ${action}.`);
  return action;
}

module.exports = { MARKER, BOT, TITLE, readResults, issueBody, reportDrift, reportDriftFromDir };
