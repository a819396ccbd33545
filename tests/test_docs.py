"""The README documents every command, option, operator and figure, and its examples work."""

from __future__ import annotations

import re

import click
import yaml

from conftest import ROOT
from ism_advisor.cli import main
from ism_advisor.knowledge import COMPARISON_FIELDS, OPERATORS, SEGMENT_FIELDS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")


def test_every_command_and_option_is_documented():
    missing = []
    for name, command in commands(main):
        if not command.hidden and name not in README:
            missing.append(name)
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("-") and option not in ("--help",) and option not in README:
                    missing.append(f"{name} {option}")
    assert missing == []


def test_every_operator_and_figure_is_documented():
    section = README.split("### Writing rules")[1].split("### Checking")[0]
    missing = [op for op in OPERATORS if f"`{op}`" not in section]
    missing += [f for f in (*COMPARISON_FIELDS, *SEGMENT_FIELDS) if f"`{f}`" not in section]
    assert missing == []


def yaml_block_after(marker: str) -> str:
    text = README.split(marker, 1)[1]
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    return re.sub(r"^   ", "", block, flags=re.M)


def test_the_customising_walk_through_works(cli, tmp_path):
    cli("init", "ours")
    folder = tmp_path / "ours"
    intervention = yaml.safe_load(yaml_block_after("2. **Add an intervention.**"))
    rule = yaml.safe_load(yaml_block_after("3. **Add a rule**"))
    catalogue = yaml.safe_load((folder / "interventions.yaml").read_text(encoding="utf-8"))
    catalogue["interventions"].extend(intervention)
    (folder / "interventions.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True))
    rules = yaml.safe_load((folder / "advice.yaml").read_text(encoding="utf-8"))
    rules["rules"].extend(rule)
    (folder / "advice.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True))
    result = cli("rules", "check", "--knowledge", "ours")
    assert result.stderr == ""
    assert result.stdout.startswith("ok: 7 factors, 17 rules, 2 conclusions, 18 interventions")
