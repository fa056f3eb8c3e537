"""The labelling guideline of a taxonomy, as Markdown a labeller can follow.

Each theme of ``data/themes.toml`` has a ``[themes.<id>.guideline]`` table: what counts, what does
not, how to choose the polarity, and examples for a baby, a primary-age child and a teenager (each
``"event text => polarity: why"``). ``docs/themes/guideline.md`` is this module's output::

    python -m chronology.themes.guideline > docs/themes/guideline.md

Examples
--------
>>> ex = examples()
>>> sorted(ex.columns.tolist())
['age', 'polarity', 'text', 'theme', 'why']
>>> set(ex["age"]) == {"baby", "child", "teenager"}
True
"""

from __future__ import annotations

import pandas as pd

from .taxonomy import Taxonomy, TaxonomySpec, load_taxonomy

__all__ = ["AGES", "PARTS", "examples", "markdown"]

#: The parts every theme's guideline has.
PARTS = ("counts", "not_counts", "polarity", "baby", "child", "teenager")
#: The ages the examples are written for, with their headings.
AGES = {"baby": "A baby (pre-verbal)", "child": "A primary-age child", "teenager": "A teenager"}


def _tax(taxonomy: TaxonomySpec | Taxonomy) -> Taxonomy:
    return taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)


def examples(taxonomy: TaxonomySpec | Taxonomy = None) -> pd.DataFrame:
    """The guideline's example events: ``theme, age, text, polarity, why``, one row per example.

    Examples
    --------
    >>> ex = examples()
    >>> ex.groupby("theme")["age"].nunique().eq(3).all()
    np.True_
    """
    rows = []
    for th in _tax(taxonomy).themes.values():
        for age in AGES:
            for line in th.guideline.get(age, []):
                text, _, rest = str(line).rpartition("=>")
                pol, _, why = rest.partition(":")
                rows.append((th.id, age, text.strip(), pol.strip(), why.strip()))
    return pd.DataFrame(rows, columns=["theme", "age", "text", "polarity", "why"]).astype("str")


def markdown(taxonomy: TaxonomySpec | Taxonomy = None) -> str:
    """The guideline as Markdown: per theme, what counts, what does not, polarity, examples by age.

    Examples
    --------
    >>> md = markdown()
    >>> md.startswith("# Labelling guideline")
    True
    >>> "### Centring the child's voice" in md
    True
    """
    tax = _tax(taxonomy)
    out = [
        "# Labelling guideline: learning themes for every age",
        "",
        f"Generated from `src/chronology/data/themes.toml` (taxonomy `{tax.name}`) by",
        "`python -m chronology.themes.guideline`; edit the TOML, not this file.",
        "",
        "Label an event with a theme when the event's own words evidence it; one event may evidence",
        "several themes. Give each label a polarity: *concern* (practice fell short) or *strength*",
        "(good practice). A negated, declined, delayed or failed action is evidence of the concern,",
        "never of the strength (\"without a handover\", \"threshold not met\", \"delayed seven weeks\").",
        "Planned or possible actions (\"to be arranged\") are not yet evidence of either.",
        "",
        "Sources: Working Together to Safeguard Children 2023 (HM Government); the Child Safeguarding",
        "Practice Review Panel's annual reports (practice themes); NSPCC Learning case review briefings.",
        "",
    ]
    for th in tax.themes.values():
        g = th.guideline
        out += [f"### {th.label}", "", f"Theme id `{th.id}`.", ""]
        out += ["**Counts.** " + " ".join(str(g.get("counts", "")).split()), ""]
        out += ["**Does not count.** " + " ".join(str(g.get("not_counts", "")).split()), ""]
        out += ["**Polarity.** " + " ".join(str(g.get("polarity", "")).split()), ""]
        for age, heading in AGES.items():
            out.append(f"*{heading}:*")
            out.append("")
            for line in g.get(age, []):
                text, _, rest = str(line).rpartition("=>")
                out.append(f"- \"{text.strip()}\" → {rest.strip()}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(markdown())
