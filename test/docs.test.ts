/**
 * The repository stands alone: no tracked file points outside it to the design folder that sits beside
 * the checkout, and every relative link in README.md and docs/ leads to something in the repository.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
/** Built from parts, so this file does not contain what it looks for. */
const NEEDLE = ["..", "shared"].join("/");
/** The areas the rule is about; each must be present in the listing, so an empty listing cannot pass. */
const AREAS = ["README.md", "docs/", "src/", "test/", "scripts/", "benchmarks/", ".ci/"];
const SKIP_DIRS = new Set(["node_modules", "dist", "coverage", ".git"]);

/** Tracked files (git ls-files); without git, every file under the areas above. */
function trackedFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return out.split("\0").filter(Boolean);
  } catch {
    const files: string[] = [];
    const walk = (rel: string) => {
      for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) walk(p);
        } else if (e.isFile()) files.push(p);
      }
    };
    for (const area of AREAS) {
      if (area.endsWith("/")) {
        if (existsSync(join(ROOT, area))) walk(area.slice(0, -1));
      } else if (existsSync(join(ROOT, area))) files.push(area);
    }
    return files;
  }
}

/** Fenced code blocks removed: a link-like text in an example is not a link. */
const withoutFences = (md: string) => md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");

/**
 * The relative link targets of a markdown text (inline links and images, and reference definitions),
 * without `#fragment` or `?query`; absolute URLs, `mailto:` and in-page anchors are left out.
 */
function relativeLinks(md: string): string[] {
  const text = withoutFences(md);
  const targets: string[] = [];
  for (const m of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) targets.push(m[1] as string);
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/gm)) targets.push(m[1] as string);
  return targets
    .map((t) => (t.startsWith("<") && t.endsWith(">") ? t.slice(1, -1) : t))
    .filter((t) => t.length > 0 && !t.startsWith("#") && !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("//"))
    .map((t) => {
      const bare = t.replace(/[?#].*$/, "");
      try {
        return decodeURI(bare);
      } catch {
        return bare;
      }
    })
    .filter((t) => t.length > 0);
}

function markdownPages(): string[] {
  const pages = ["README.md"];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".md")) pages.push(p);
    }
  };
  walk("docs");
  return pages;
}

describe("the repository stands alone", () => {
  const files = trackedFiles();

  it("the listing covers every area the rule is about", () => {
    for (const area of AREAS) {
      expect(files.some((f) => (area.endsWith("/") ? f.startsWith(area) : f === area)), area).toBe(true);
    }
  });

  it(`no tracked file mentions ${JSON.stringify(NEEDLE.replace("/", " / "))} (the folder beside the checkout)`, () => {
    const needle = Buffer.from(NEEDLE);
    const offenders: string[] = [];
    for (const f of files) {
      const path = join(ROOT, f);
      // A tracked file someone has just deleted from the working tree says nothing.
      if (!existsSync(path) || !statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      const at = bytes.indexOf(needle);
      if (at >= 0) offenders.push(`${f}:${bytes.subarray(0, at).toString("latin1").split("\n").length}`);
    }
    expect(offenders).toEqual([]);
  });
});

describe("relative links in README.md and docs/", () => {
  it("the link reader finds inline, image and reference links and skips URLs, anchors and code", () => {
    const md = [
      "See [the policy](docs/csr-policy.md#order-of-checks), ![logo](<img/a b.png>) and [x][ref].",
      "[web](https://example.com) [mail](mailto:a@example.com) [here](#layers) [t](errors.md \"title\")",
      "```sh",
      "echo [not](a-link.md)",
      "```",
      "[ref]: ../vectors/README.md",
    ].join("\n");
    expect(relativeLinks(md)).toEqual(["docs/csr-policy.md", "img/a b.png", "errors.md", "../vectors/README.md"]);
  });

  for (const page of markdownPages()) {
    it(`${page}: every relative link points to something in the repository`, () => {
      const md = readFileSync(join(ROOT, page), "utf8");
      const broken: string[] = [];
      for (const target of relativeLinks(md)) {
        const abs = isAbsolute(target) ? join(ROOT, target) : resolve(ROOT, dirname(page), target);
        const rel = relative(ROOT, abs);
        const inside = rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
        if (!inside || !existsSync(abs)) broken.push(target);
      }
      expect(broken).toEqual([]);
    });
  }
});
