"""``ism-advise explain``: why an intervention was, or was not, advised for a segment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..app.settings import Settings, SettingsError
from ..core.errors import AdvisorError
from ..core.i18n import translations
from .messages import fail, usage_error
from .options import analysis_options, knowledge_options, lang_option, survey_options, wave_options

__all__ = ["explain_command"]


@click.command("explain")
@click.argument("scores", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--intervention", required=True, metavar="ID", help="The intervention to explain.")
@click.option(
    "--segment",
    metavar="VALUE",
    default=None,
    help="The segment (a value of a --segment-by column). Default: all respondents.",
)
@click.option(
    "--segment-by",
    "segment_by",
    multiple=True,
    metavar="COL",
    help="The segment columns, as for the advice; repeatable.",
)
@knowledge_options
@analysis_options(
    "As for the advice: the smallest group whose figures are shown.",
    "As for the advice: the significance level.",
)
@lang_option("Language of the explanation.")
@survey_options
@wave_options
def explain_command(
    scores: tuple[Path, ...], intervention: str, segment: str | None, **options: Any
) -> None:
    """Why an intervention was, or was not, advised for a segment of SCORES.

    For one that was not: each rule that recommends it, with the first condition that
    failed and the figure that failed it. For one that was: the rules that fired and the
    facts they matched, through the conclusions they used. Several SCORES are survey
    waves, as for the advice: with --done, an intervention carried out is never advised
    again as new.
    """
    from ..app.explain import explain_intervention

    lang = options["lang"]
    tr = translations(lang)
    try:
        settings = Settings.create(scores, **options)
        explanation = explain_intervention(settings, intervention, segment)
    except SettingsError as error:
        raise usage_error(error) from None
    except AdvisorError as error:
        fail(error, lang)
    click.echo(explanation.headline.render(tr))
    for verdict in explanation.verdicts:
        where = f"{explanation.rules_path}:{verdict.rule.pos.line}:{verdict.rule.pos.column}"
        for reason in verdict.reasons:
            click.echo(f"  {where}: {verdict.rule.id}: {reason.render(tr)}")
