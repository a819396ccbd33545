"""Emerging themes: TF-IDF + NMF over the uncoded comments (issue 32)."""

from __future__ import annotations

from ism_advisor.stats.comments import emerging_themes

ENGLISH = [
    "Alles is in het Engels, ik wil het in het Nederlands.",
    "Everything is in English, half of us read Dutch only.",
    "Waarom is de hele omgeving in het Engels?",
    "The whole thing is in English, please translate it to Dutch.",
    "Het Engels is een drempel voor mijn collega's.",
    "Graag een Nederlandse versie, nu alles in het Engels.",
]
OTHER = [
    "De koffie op de derde verdieping is koud.",
    "Parking is impossible after nine in the morning.",
    "Ik mis de vrijdagmiddagborrel.",
    "The canteen should serve more vegetarian food.",
    "Het gebouw is slecht geventileerd in de zomer.",
    "Our desks are too close together for phone calls.",
    "De lift staat weer stil.",
    "More bike racks would be welcome.",
    "De printer op de tweede verdieping is altijd leeg.",
    "Flexible hours would help a lot with the school run.",
]


def corpus() -> list[str]:
    # 30 planted comments about the language among 100
    texts = []
    for i in range(100):
        if i % 10 < 3:
            texts.append(ENGLISH[i % len(ENGLISH)] + f" Punt {i // 10}.")
        else:
            texts.append(OTHER[i % len(OTHER)])
    return texts


def test_a_planted_theme_is_found_with_its_top_terms():
    texts = corpus()
    themes = emerging_themes(texts, min_size=10, max_themes=5)
    planted = {i for i in range(100) if i % 10 < 3}
    best = max(themes, key=lambda t: len(planted & set(t.members)))
    assert len(planted & set(best.members)) >= 27
    assert len(set(best.members) - planted) <= 3
    assert {"engels", "english"} & set(best.terms)
    assert len(best.terms) <= 6
    assert [t.id for t in themes] == [f"T{i}" for i in range(1, len(themes) + 1)]
    sizes = [len(t.members) for t in themes]
    assert sizes == sorted(sizes, reverse=True)
    assert all(size >= 10 for size in sizes)


def test_themes_are_deterministic_and_ignore_markers():
    texts = corpus()
    assert emerging_themes(texts, min_size=10) == emerging_themes(list(texts), min_size=10)
    marked = [f"[naam] [e-mail] {text}" for text in texts]
    for theme in emerging_themes(marked, min_size=10):
        assert not {"naam", "e-mail", "mail"} & set(theme.terms)


def test_too_few_comments_give_no_themes():
    assert emerging_themes(ENGLISH, min_size=10) == []
    assert emerging_themes([], min_size=1) == []
    assert emerging_themes(["", " "] * 10, min_size=5) == []


def test_the_terms_of_the_codes_are_left_out_when_given():
    from ism_advisor.stats.comments import load_comment_codes

    codes = load_comment_codes(None, ("effort_expectancy", *FACTORS_REST))
    texts = [f"Geen tijd, de meldingen en het Engels. Punt {i}." for i in range(12)]
    texts += OTHER * 2
    with_codes = emerging_themes(texts, min_size=10, codes=codes)
    without = emerging_themes(texts, min_size=10)
    assert "melding" in {t for theme in without for t in theme.terms}
    assert "melding" not in {t for theme in with_codes for t in theme.terms}
    assert "engels" in {t for theme in with_codes for t in theme.terms}


FACTORS_REST = (
    "performance_expectancy",
    "manager_influence",
    "colleague_influence",
    "reputation",
    "privacy_concern",
    "collaboration_norms",
)
