"""The documentation — the README and the MkDocs site in ``docs/`` — documents every
command, option, operator and figure; its generated parts are current, the site builds
with no broken link, and its examples work."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import click
import pytest
import yaml
from cogapp import Cog

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.advice.knowledge import OPERATORS
from ism_advisor.cli import main
from ism_advisor.core.vocabulary import COMPARISON_FIELDS, SEGMENT_FIELDS
from ism_advisor.survey.codebook import load_codebook

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Every page: the README, then the site's pages in the order of their paths.
PAGES = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
}
COMMANDS_PAGE = PAGES["docs/reference/commands.md"]
RULES_PAGE = PAGES["docs/reference/rules.md"]
#: What ``.ci/run`` gives cog: every page.
COG_FILES = ["README.md", *sorted(p for p in PAGES if p.startswith("docs/"))]
TEST_CASES = yaml.safe_load((ROOT / "rules" / "tests" / "advice.yaml").read_text())["cases"]


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")


def test_every_command_and_option_is_documented():
    """Each command and group has its section with its ``--help`` in the command
    reference (the hidden default command's options are the main help's)."""
    missing = []
    for name, command in commands(main):
        if not command.hidden and f"\n### ism-advise {name}\n" not in COMMANDS_PAGE:
            missing.append(name)
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("-") and option != "--help" and option not in COMMANDS_PAGE:
                    missing.append(f"{name} {option}")
    assert "\n### ism-advise\n" in COMMANDS_PAGE
    assert missing == []


def test_every_operator_and_figure_is_documented():
    section = RULES_PAGE.split("## Writing rules")[1].split("## Checking")[0]
    missing = [op for op in OPERATORS if f"`{op}`" not in section]
    missing += [f for f in (*COMPARISON_FIELDS, *SEGMENT_FIELDS) if f"`{f}`" not in section]
    assert missing == []


def test_the_readme_is_what_a_newcomer_needs():
    """Under 300 lines, linking to every page of the site, and the site's home page
    repeats its opening as it stands."""
    assert README.count("\n") < 300
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", README))
    assert linked == {p for p in PAGES if p.startswith("docs/") and p != "docs/index.md"}
    opening = README.split("\n## Quick start")[0].split("\n", 2)[2]
    assert opening in PAGES["docs/index.md"]


def cog(*args: str) -> int:
    """cog's exit status for ``args``, run in-process from the repository's root (as
    ``.ci/run`` runs it)."""
    return Cog().main(["cog", *args])


def test_the_generated_parts_are_current(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the blocks put docs/ on it
    assert cog("--check", *COG_FILES) == 0, capsys.readouterr()
    assert [p for p in COG_FILES if "[[[cog" in PAGES[p]] == [
        "docs/index.md",
        "docs/reference/commands.md",
        "docs/reference/json.md",
        "docs/reference/rules.md",
        "docs/reference/templates.md",
    ]


def test_a_stale_generated_part_fails_the_check(monkeypatch, capsys, tmp_path):
    """A figure's table edited by hand, or left behind by a change of the vocabulary, is
    found: the check is not vacuous."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))
    stale = tmp_path / "rules.md"
    stale.write_text(RULES_PAGE.replace("| `users_mean` | number |", "| `users_mean` | text |"))
    assert stale.read_text() != RULES_PAGE
    assert cog("--check", str(stale)) != 0
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == (f"Checking {stale}  (changed)\n", "Check failed\n")


def build(config, site) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_site_builds_strict_with_every_page(tmp_path):
    result = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for page in PAGES:
        if page.startswith("docs/"):
            html = page.removeprefix("docs/").removesuffix(".md") + "/index.html"
            assert (tmp_path / "site" / html.removeprefix("index/")).is_file(), page
    assert not (tmp_path / "site" / "_cog.py").exists()
    assert not (tmp_path / "site" / "_hooks.py").exists()


def test_a_broken_link_fails_the_build(tmp_path):
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    page = tmp_path / "docs" / "translations.md"
    page.write_text(page.read_text() + "\nSee [the anonymity](statistics/anonymity.md#nowhere).\n")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1
    assert (
        "Doc file 'translations.md' contains a link 'statistics/anonymity.md#nowhere', but the"
        " doc 'statistics/anonymity.md' does not contain an anchor '#nowhere'."
    ) in result.stderr


# A fenced block of a page and the HTML comment before it that says what a reader does
# with it; the indentation of a list item the block sits in is not part of it.
SNIPPET = re.compile(
    r"^(?P<indent> *)<!-- (?P<use>[^>\n]*?) -->\n(?P=indent)```(?P<lang>\w+)\n(?P<body>.*?)^(?P=indent)```",
    re.S | re.M,
)


def snippets() -> list[dict]:
    """Every marked snippet, as a reader copies it from the rendered page."""
    found = []
    for page, text in PAGES.items():
        for match in SNIPPET.finditer(text):
            indent = match["indent"]
            lines = match["body"].splitlines(keepends=True)
            assert all(line.startswith(indent) or not line.strip() for line in lines)
            body = "".join(line[len(indent) :] for line in lines)
            found.append(
                {
                    "use": match["use"],
                    "lang": match["lang"],
                    "text": body,
                    "page": page,
                    "at": match.start(),
                }
            )
    return found


SNIPPETS = snippets()
PASTED = [s for s in SNIPPETS if s["use"].startswith("paste into ")]
INTERVENTIONS = [s["text"] for s in PASTED if s["use"] == "paste into interventions.yaml"]


def test_every_yaml_and_template_snippet_says_what_to_do_with_it():
    for lang in ("yaml", "jinja"):
        shown = sum(text.count(f"```{lang}") for text in PAGES.values())
        assert shown == sum(s["lang"] == lang for s in SNIPPETS)
    assert {s["use"] for s in SNIPPETS} == {
        "paste into advice.yaml",
        "paste into interventions.yaml",
        "paste into tests/advice.yaml",
        "refused by rules check: paste into advice.yaml",
        "a whole rule file",
        "a template: templates/report.html",
        "an excerpt of mapping.yaml",
        "an excerpt of factors.yaml",
        "an excerpt of factors.yaml: the questionnaire",
        "save as done.yaml",
        "save as done-executives.yaml",
    }
    assert len(PASTED) == 10


def paste(path, text: str) -> None:
    """Append ``text`` as it is, the way an editor pastes it at the end of the file."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def checked(cli) -> tuple[int, int, int]:
    """Rules, conclusions and interventions of the folder ``ours``, after a clean check."""
    result = cli("rules", "check", "--knowledge", "ours")
    # interventions pasted before (or without) a rule that recommends them: warned only
    unused = re.compile(r"warning: ours/interventions\.yaml:\d+:7: no rule recommends the")
    assert all(unused.match(line) for line in result.stderr.splitlines()), result.stderr
    assert result.exit_code == 0
    found = re.match(
        r"ok: 7 factors, (\d+) rules?, (\d+) conclusions?, (\d+) interventions?", result.stdout
    )
    return tuple(int(n) for n in found.groups())


def report(cli, *options: str) -> str:
    shutil.copyfile(SAMPLE_SCORES, cli.folder / "scores.csv")
    args = ("scores.csv", "--knowledge", "ours", "--segment-by", "organisation")
    result = cli(*args, "--segment-by", "department", *options, "--format", "md", "-o", "-")
    assert result.stderr == ""
    assert result.exit_code == 0
    return result.stdout


def test_the_codebook_excerpt_works_in_the_packaged_codebook(tmp_path):
    """The answer-scale excerpt, put into the packaged codebook where its keys belong,
    gives a valid codebook whose factor is answered in the new scale."""
    (excerpt,) = [s["text"] for s in SNIPPETS if s["use"] == "an excerpt of factors.yaml"]
    lines = excerpt.splitlines(keepends=True)
    given = yaml.safe_load("".join(line for line in lines if line.strip() != "..."))
    data = yaml.safe_load((ROOT / "rules" / "factors.yaml").read_text(encoding="utf-8"))
    assert given["scale"] == data["scale"]
    data["answer_scales"] = given["answer_scales"]
    (factor,) = given["factors"]
    target = next(f for f in data["factors"] if f["id"] == factor["id"])
    target["answers"] = factor["answers"]
    path = tmp_path / "factors.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    book = load_codebook(path)
    scale = book.answer_scale(book.factor(factor["id"]).answers)
    assert scale is book.answer_scales["frequency"]


def test_the_questionnaire_excerpt_works_in_the_packaged_codebook(cli, tmp_path):
    """The questionnaire excerpt, its segment and texts put into the packaged codebook,
    gives a codebook whose questionnaire offers the options and says the intro."""
    (excerpt,) = [
        s["text"] for s in SNIPPETS if s["use"] == "an excerpt of factors.yaml: the questionnaire"
    ]
    given = yaml.safe_load(excerpt)
    data = yaml.safe_load((ROOT / "rules" / "factors.yaml").read_text(encoding="utf-8"))
    (department,) = given["segments"]
    # an organisation's codebook: its segment questions with options (one without, such as
    # the packaged organisation question, stops the questionnaire)
    (organisation,) = [s for s in data["segments"] if s["id"] == "organisation"]
    organisation["options"] = [
        {"id": "oost", "nl": "Zorggroep Oost", "en": "Zorggroep Oost"},
        {"id": "west", "nl": "Zorggroep West", "en": "Zorggroep West"},
    ]
    data["segments"] = [organisation, department]
    data["questionnaire"] = given["questionnaire"]
    path = tmp_path / "factors.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli("questionnaire", "--codebook", path, "--lang", "nl", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "It takes" not in result.stdout
    assert "Het invullen duurt ongeveer 6 minuten." in result.stdout
    assert "- Zorg\n- Keuken\n- Kantoor\n" in result.stdout


@pytest.mark.parametrize(
    "snippet",
    [
        i
        for i, s in enumerate(SNIPPETS)
        if not s["use"].startswith(("an excerpt", "save as", "refused by"))
    ],
)
def test_each_snippet_works_when_pasted_into_an_init_folder(cli, snippet):
    """Paste the snippet literally (with the pages' interventions, which rules may use),
    then check the knowledge base and make a report."""
    use, text = SNIPPETS[snippet]["use"], SNIPPETS[snippet]["text"]
    cli("init", "ours")
    folder = cli.folder / "ours"
    rules, conclusions, interventions = checked(cli)
    for addition in INTERVENTIONS:
        if addition != text:
            paste(folder / "interventions.yaml", addition)
    if use == "paste into tests/advice.yaml":
        paste(folder / "tests" / "advice.yaml", text)
        result = cli("rules", "test", "ours")
        assert result.exit_code == 0, result.stdout
        assert result.stdout.splitlines()[-1] == f"{len(TEST_CASES) + 1} passed"
        return
    if use.startswith("paste into "):
        paste(folder / use.removeprefix("paste into "), text)
        entries = yaml.safe_load(text)
        assert isinstance(entries, list) and len(entries) == 1
        added = (1, 0, 0) if use == "paste into advice.yaml" else (0, 0, 1)
        expected = (rules + added[0], conclusions, interventions + len(INTERVENTIONS))
        assert checked(cli) == expected
    elif use == "a whole rule file":
        (folder / "advice.yaml").write_text(text, encoding="utf-8")
        data = yaml.safe_load(text)
        expected = (len(data["rules"]), len(data["conclusions"]), interventions + 1)
        assert checked(cli) == expected
    else:
        (folder / "templates" / "report.html").write_text(text, encoding="utf-8")
        checked(cli)
        shutil.copyfile(SAMPLE_SCORES, cli.folder / "scores.csv")
        result = cli("scores.csv", "--knowledge", "ours", "--client", "Gemeente", "-o", "r.html")
        assert result.exit_code == 0, result.stderr
        html = (cli.folder / "r.html").read_text(encoding="utf-8")
        assert "<p>Gemeente asked us why colleagues stay off the platform.</p>" in html
        assert "--accent: #7a1f5c;" in html
        return
    assert report(cli).startswith("# Getting staff onto the platform: advice")


def test_every_pasted_snippet_together(cli):
    """The pages' rules have distinct ids: all of them pasted into one folder work."""
    cli("init", "ours")
    folder = cli.folder / "ours"
    rules, conclusions, interventions = checked(cli)
    for snippet in PASTED:
        paste(folder / snippet["use"].removeprefix("paste into "), snippet["text"])
    added = sum(s["use"] == "paste into advice.yaml" for s in PASTED)
    assert checked(cli) == (rules + added, conclusions, interventions + len(INTERVENTIONS))
    report(cli, "--lang", "nl")


def test_the_walk_through_rule_fires_on_the_sample(cli):
    """The customising walk-through's rule acts on a significant gap, and on the sample
    it fires where the effort gap is significant (TechnoBouw) and nowhere else."""
    cli("init", "ours")
    folder = cli.folder / "ours"
    steps = [s for s in PASTED if s["page"] == "docs/walkthroughs/customising.md"]
    assert [s["use"] for s in steps] == [
        "paste into interventions.yaml",
        "paste into advice.yaml",
    ]
    for snippet in steps:
        paste(folder / snippet["use"].removeprefix("paste into "), snippet["text"])
    rule = yaml.safe_load(steps[1]["text"])[0]
    assert "significant" in rule["when"][0]["if"]
    shutil.copyfile(SAMPLE_SCORES, cli.folder / "scores.csv")
    document = cli.json("scores.csv", "--knowledge", "ours", "--segment-by", "organisation")
    fired = {
        s["value"]: [r["intervention"] for r in s["recommendations"]]
        for s in document["segments"]
        if any("lunch_for_low_adoption" in r["rules"] for r in s["recommendations"])
    }
    assert list(fired) == ["TechnoBouw"]
    assert fired["TechnoBouw"][0] == "lunch_sessions"
    techno = next(s for s in document["segments"] if s["value"] == "TechnoBouw")
    assert techno["recommendations"][0]["because"] == [
        "In TechnoBouw only 41% use the platform, and non-users expect far more effort than"
        " users experience (g = 1.04, p < 0.001)."
    ]
    effort = next(c for c in techno["comparisons"] if c["factor"] == "effort_expectancy")
    assert effort["significant"] and effort["hedges_g"] >= 0.5
    markdown = report(cli)
    assert "| TechnoBouw (Organisation) |" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| TechnoBouw"))
    assert row.endswith("| Lunch sessions: the platform in 20 minutes |")


def test_the_two_wave_walkthrough_says_what_the_sample_gives(cli):
    """The walk through the sample's two waves (docs/walkthroughs/waves.md): its done.yaml, its command, and
    the figures and advice it quotes, in the report it makes."""
    (done,) = [s["text"] for s in SNIPPETS if s["use"] == "save as done.yaml"]
    (cli.folder / "done.yaml").write_text(done, encoding="utf-8")
    for name in ("scores.csv", "scores-wave2.csv"):
        shutil.copyfile(SAMPLE_SCORES.parent / name, cli.folder / name)
    waves = ("--wave-name", "March 2026", "--wave-name", "October 2026", "--done", "done.yaml")
    result = cli("scores.csv", "scores-wave2.csv", *waves, "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    section = result.stdout.split("## Since the last survey")[1]
    page = PAGES["docs/walkthroughs/waves.md"]
    walkthrough = page.split("A walk through the sample")[1].split("- `--wave-name NAME`")[0]
    assert "| March 2026 | 243 | 600 | 41% |" in section
    assert "| October 2026 | 296 | 592 | 50% |" in section
    assert "| Effort expectancy | the gap | March 2026 → October 2026 | 0.40 | 0.13 |" in section
    assert (
        "| Colleague influence | non-users | March 2026 → October 2026 | 3.03 | 3.26 |" in section
    )
    for quoted in ("3.05 → 2.74", "0.40 to 0.13", "3.03 → 3.26", "changed −0.10, p = 0.835"):
        assert " ".join(quoted.split()) in " ".join(walkthrough.split())
    assert "(the gap with users changed by −0.10, p = 0.835)" in section
    summary = result.stdout.split("## Executive summary\n\n")[1].split("\n\n")[0]
    assert f'The report\'s executive summary now opens with "{summary}"' in " ".join(
        walkthrough.split()
    )
    assert "**Deepen what worked and reach the rest**: " in section
    assert "**Find out why the action did not land, and adjust it**: " in section
    assert "**Continue what worked and make it part of the routine**: " in section
    plan = result.stdout.split("## Action plan")[1].split("\n## ")[0]
    verdicts = [line.rsplit(" | ", 2)[-1].rstrip(" |") for line in plan.splitlines() if "→" in line]
    assert verdicts == ["improved", "improved", "no measurable change"]
    for title in ("Build a network of champions", "Have managers and senior leaders post"):
        assert f". {title}" not in plan


def test_the_broken_rule_of_the_docs_fails_its_tests_as_shown(cli):
    """The rules page's wrong comparison, made in an init folder, gives the output it shows."""
    section = RULES_PAGE.split("**A broken rule caught.**")[1]
    shown = section.split("```text\n")[1].split("```")[0]
    cli("init", "ours")
    rules = cli.folder / "ours" / "advice.yaml"
    text = rules.read_text(encoding="utf-8")
    old = "manager_influence\n      if: [significant, hedges_g >= 0.2]\n  recommend: [leaders"
    assert old in text
    rules.write_text(text.replace(old, old.replace(">=", "<=")), encoding="utf-8")
    result = cli("rules", "test", "ours")
    assert result.exit_code == 1
    assert result.stdout.startswith(shown)
    assert result.stdout.endswith("11 failed, 28 passed\n")


def test_the_contradictory_rule_of_the_docs_is_refused_as_shown(cli):
    (snippet,) = [s for s in SNIPPETS if s["use"].startswith("refused by rules check")]
    after = PAGES[snippet["page"]][snippet["at"] :]
    shown = after.split("```text\n")[1].split("```")[0].splitlines()
    assert shown[0] == "$ ism-advise rules check --knowledge ours"
    cli("init", "ours")
    paste(cli.folder / "ours" / "advice.yaml", snippet["text"])
    result = cli("rules", "check", "--knowledge", "ours")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == shown[1:]


def test_the_explain_example_of_the_docs_is_what_explain_prints(cli):
    section = RULES_PAGE.split("## Why (not)?")[1]
    shown = section.split("```text\n")[1].split("```")[0].splitlines()
    command = shown[0].removeprefix("$ ism-advise ").split()
    cli("init", "ours")
    shutil.copyfile(SAMPLE_SCORES, cli.folder / "scores.csv")
    result = cli(*command)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == shown[1:]
