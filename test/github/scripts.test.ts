/**
 * The github-script helpers of the workflows (.github/scripts/), against an in-memory GitHub that
 * keeps comments, issues and refs the way the REST API does: the scorecard comment is updated, not
 * repeated; the drift issue is opened, updated and closed; the deployed tag is created then moved.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const SCRIPTS = join(__dirname, "..", "..", ".github", "scripts");

interface Comment {
  id: number;
  issue_number: number;
  body: string;
  user: { login: string };
}
interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  user: { login: string };
  pull_request?: object;
}
type Params = Record<string, unknown>;

const BOT = { login: "github-actions[bot]" };

/** The REST calls the helpers make, over plain arrays; every call is logged. */
class FakeGithub {
  readonly calls: string[] = [];
  readonly comments: Comment[] = [];
  readonly issues: Issue[] = [];
  readonly refs = new Map<string, string>();
  private nextId = 100;

  private log(name: string, params: Params): void {
    const { owner, repo, ...rest } = params;
    expect([owner, repo]).toEqual(["example-org", "platform"]);
    this.calls.push(`${name} ${JSON.stringify(rest)}`);
  }

  async paginate(method: (p: Params) => Promise<{ data: unknown[] }>, params: Params): Promise<unknown[]> {
    return (await method(params)).data;
  }

  readonly rest = {
    issues: {
      listComments: async (p: Params) => {
        this.log("listComments", p);
        return { data: this.comments.filter((c) => c.issue_number === p.issue_number) };
      },
      createComment: async (p: Params) => {
        this.log("createComment", p);
        const comment = {
          id: this.nextId++,
          issue_number: p.issue_number as number,
          body: p.body as string,
          user: BOT,
        };
        this.comments.push(comment);
        return { data: comment };
      },
      updateComment: async (p: Params) => {
        this.log("updateComment", p);
        this.comments.find((c) => c.id === p.comment_id)!.body = p.body as string;
        return { data: {} };
      },
      listForRepo: async (p: Params) => {
        this.log("listForRepo", p);
        return {
          data: this.issues.filter((i) => i.state === p.state && (!p.creator || i.user.login === p.creator)),
        };
      },
      create: async (p: Params) => {
        this.log("create", p);
        const issue: Issue = {
          number: this.nextId++,
          title: p.title as string,
          body: p.body as string,
          state: "open",
          labels: p.labels as string[],
          user: BOT,
        };
        this.issues.push(issue);
        return { data: issue };
      },
      update: async (p: Params) => {
        this.log("update", p);
        Object.assign(
          this.issues.find((i) => i.number === p.issue_number)!,
          p.body ? { body: p.body } : {},
          p.state ? { state: p.state } : {},
        );
        return { data: {} };
      },
    },
    git: {
      updateRef: async (p: Params) => {
        this.log("updateRef", p);
        if (!this.refs.has(`refs/${p.ref as string}`)) {
          throw Object.assign(new Error("Reference does not exist"), { status: 422 });
        }
        this.refs.set(`refs/${p.ref as string}`, p.sha as string);
        return { data: {} };
      },
      createRef: async (p: Params) => {
        this.log("createRef", p);
        this.refs.set(p.ref as string, p.sha as string);
        return { data: {} };
      },
    },
  };
}

const context = {
  repo: { owner: "example-org", repo: "platform" },
  issue: { number: 7 },
  serverUrl: "https://github.com",
  runId: 42,
  sha: "a".repeat(40),
};
const RUN = "https://github.com/example-org/platform/actions/runs/42";
const core = { info: jest.fn() };

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "gh-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe("scorecard comment", () => {
  const { MARKER, MAX_BODY, commentBody, postScorecards } = jest.requireActual<{
    MARKER: string;
    MAX_BODY: number;
    commentBody(scorecards: Record<string, string | undefined>, runUrl: string): string;
    postScorecards(args: object): Promise<{ action: string; id: number }>;
  }>(join(SCRIPTS, "scorecard-comment.js"));
  const DEV =
    "# Readiness scorecard: dev\n\n**Verdict: NO-GO** (Reliability 63.6 is not above 80)\n\n## Categories\n";
  const PROD = "# Readiness scorecard: production\n\n**Verdict: GO**\n";

  test("one section per stack with its verdict, headings nested, a missing scorecard said so", () => {
    expect(commentBody({ dev: DEV, staging: undefined, production: PROD }, RUN)).toBe(
      [
        MARKER,
        "## Readiness scorecard",
        "",
        "<details><summary><b>dev</b>: NO-GO</summary>\n\n### Readiness scorecard: dev\n\n**Verdict: NO-GO** (Reliability 63.6 is not above 80)\n\n#### Categories\n\n</details>",
        "**staging**: no scorecard (the job failed before writing it; see the run)",
        "<details><summary><b>production</b>: GO</summary>\n\n### Readiness scorecard: production\n\n**Verdict: GO**\n\n</details>",
        "",
        `From [this run](${RUN}).`,
      ].join("\n"),
    );
  });

  test("a body over GitHub's limit is cut with a note", () => {
    const body = commentBody({ dev: DEV + "x".repeat(70000) }, RUN);
    expect(body.length).toBeLessThan(65536);
    expect(body.slice(0, MAX_BODY)).toContain(MARKER);
    expect(body.endsWith("(truncated: the full scorecards are in the run's job summaries)")).toBe(true);
  });

  test("the first run creates the comment; later runs update it, never another one", async () => {
    const github = new FakeGithub();
    // Someone quoting the marker is not the bot's comment.
    github.comments.push({ id: 1, issue_number: 7, body: `${MARKER} by hand`, user: { login: "alice" } });
    const dir = folder({ "scorecard-dev.md": DEV, "scorecard-production.md": PROD });
    const first = await postScorecards({
      github,
      context,
      core,
      dir,
      stacks: ["dev", "staging", "production"],
    });
    const second = await postScorecards({
      github,
      context,
      core,
      dir,
      stacks: ["dev", "staging", "production"],
    });
    expect([first, second]).toEqual([
      { action: "created", id: 100 },
      { action: "updated", id: 100 },
    ]);
    expect(github.calls.map((c) => c.split(" ")[0])).toEqual([
      "listComments",
      "createComment",
      "listComments",
      "updateComment",
    ]);
    expect(github.comments.filter((c) => c.user.login === BOT.login)).toHaveLength(1);
    expect(github.comments[0].body).toBe(`${MARKER} by hand`);
    expect(github.comments[1].body).toContain("**staging**: no scorecard");
  });
});

describe("drift issue", () => {
  const { MARKER, TITLE, reportDriftFromDir } = jest.requireActual<{
    MARKER: string;
    TITLE: string;
    reportDriftFromDir(args: object): Promise<string>;
  }>(join(SCRIPTS, "drift-issue.js"));
  const STACKS = ["dev", "staging", "production"];
  const report = (github: FakeGithub, files: Record<string, string>) =>
    reportDriftFromDir({ github, context, core, dir: folder(files), stacks: STACKS });

  test("a clean night with no issue does nothing", async () => {
    const github = new FakeGithub();
    expect(
      await report(github, { "dev.txt": "clean\n", "staging.txt": "clean\n", "production.txt": "clean\n" }),
    ).toBe("none");
    expect(github.calls).toEqual([
      `listForRepo {"state":"open","creator":"github-actions[bot]","per_page":100}`,
    ]);
  });

  test("drift opens one issue, the next drifting night updates it, a clean night closes it", async () => {
    const github = new FakeGithub();
    const drifting = { "dev.txt": "clean\n", "staging.txt": "drift\n" };
    expect(await report(github, drifting)).toBe("opened");
    expect(github.issues).toHaveLength(1);
    const [issue] = github.issues;
    expect(issue).toMatchObject({ title: TITLE, labels: ["drift"], state: "open" });
    expect(issue.body.split("\n").slice(0, 7)).toEqual([
      MARKER,
      `Nightly drift detection found stacks that differ from their code ([run](${RUN})).`,
      "",
      "| stack | result |",
      "| --- | --- |",
      "| dev | no drift |",
      "| staging | **drift**: `pulumi preview --refresh` proposes changes |",
    ]);
    // production wrote nothing (its job was cancelled): unknown, not clean.
    expect(issue.body).toContain(
      "| production | **unknown**: the job reported nothing (cancelled or failed early) |",
    );

    expect(await report(github, { ...drifting, "production.txt": "error\n" })).toBe("updated");
    expect(github.issues).toHaveLength(1);
    expect(issue.body).toContain(
      "| production | **error**: the check itself failed (credentials, network, program) |",
    );
    expect(github.comments.map((c) => c.body)).toEqual([
      `Still drifting ([run](${RUN})); the table above is current.`,
    ]);

    expect(
      await report(github, { "dev.txt": "clean", "staging.txt": "clean", "production.txt": "clean" }),
    ).toBe("closed");
    expect(issue.state).toBe("closed");
    expect(github.comments.at(-1)!.body).toBe(`No drift in any stack ([run](${RUN})): closing.`);
  });

  test("an open issue by someone else, or a pull request, is never taken for the drift issue", async () => {
    const github = new FakeGithub();
    github.issues.push({
      number: 1,
      title: "x",
      body: MARKER,
      state: "open",
      labels: [],
      user: { login: "alice" },
    });
    github.issues.push({
      number: 2,
      title: "y",
      body: MARKER,
      state: "open",
      labels: [],
      user: BOT,
      pull_request: {},
    });
    expect(await report(github, { "dev.txt": "drift" })).toBe("opened");
    expect(github.issues.map((i) => i.number)).toEqual([1, 2, 100]);
  });
});

describe("deployed tag", () => {
  const { recordDeployment } = jest.requireActual<{
    recordDeployment(args: object): Promise<string>;
  }>(join(SCRIPTS, "deployed-tag.js"));

  test("created on the first good deployment, moved afterwards", async () => {
    const github = new FakeGithub();
    const sha1 = "1".repeat(40);
    const sha2 = "2".repeat(40);
    expect(await recordDeployment({ github, context, tag: "deployed/dev", sha: sha1 })).toBe("created");
    expect(await recordDeployment({ github, context, tag: "deployed/dev", sha: sha2 })).toBe("moved");
    expect(github.refs).toEqual(new Map([["refs/tags/deployed/dev", sha2]]));
    expect(github.calls).toEqual([
      `updateRef {"ref":"tags/deployed/dev","sha":"${sha1}","force":true}`,
      `createRef {"ref":"refs/tags/deployed/dev","sha":"${sha1}"}`,
      `updateRef {"ref":"tags/deployed/dev","sha":"${sha2}","force":true}`,
    ]);
  });

  test("any other API error fails the step", async () => {
    const github = new FakeGithub();
    github.rest.git.updateRef = async () => {
      throw Object.assign(new Error("Resource not accessible by integration"), { status: 403 });
    };
    await expect(
      recordDeployment({ github, context, tag: "deployed/dev", sha: "1".repeat(40) }),
    ).rejects.toThrow("Resource not accessible by integration");
  });
});
