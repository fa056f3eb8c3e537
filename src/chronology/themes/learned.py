"""The learned layer beside the rules: a small per-theme classifier over sentence vectors.

Off by default; ``tag(events, learned=True)`` (or ``method="rules+learned"``) adds, to the rules'
tags, the themes the classifier finds that the rules did not, with ``rule = "learned:<theme>"`` and
``kind = "learned"``. Needs scikit-learn: ``pip install "chronology[learn]"``.

How it works
------------
- **Labelled set** (``data/labelled/``, shipped): the hand-labelled events of the three sample
  cases, synthetic events written to the labelling guideline (every age, every agency), short
  paraphrases of published case reviews (with a citation column) and the guideline's own examples
  (``data/themes.toml``). :func:`labelled_set` reads them.
- **Sentence vectors**: TF-IDF of word 1-2-grams and character 3-5-grams, and their latent
  semantic vectors (TruncatedSVD), fitted on the labelled set: no model hub, nothing downloaded.
- **The rules as labelling functions**: each theme's rule tags (concern, strength) are features
  too, so the classifier learns how far to trust them; where a rule fires its tag is kept as it
  is (the rules are precise) and the learned layer only adds.
- **Per theme**, a logistic regression (balanced classes) decides whether the event evidences the
  theme, and another one the polarity (else the theme's default). The evidence is the event's
  clause the theme's classifier scores highest: a whole clause, as for the rules.

The model is trained at first use (a few seconds) and cached under the user cache directory
(``$CHRONOLOGY_CACHE_DIR``, else ``$XDG_CACHE_HOME/chronology``, else ``~/.cache/chronology``),
keyed by a hash of the labelled set, the taxonomy and scikit-learn's version.

Examples
--------
>>> ls = labelled_set()
>>> sorted(set(ls["source"].str.split(":").str[0]))
['guideline', 'public', 'sample', 'synthetic']
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

__all__ = ["LearnedModel", "cross_validate", "labelled_set", "learned_tags", "load_model", "train"]

#: Probability above which the classifier tags an event.
THRESHOLD = 0.5
_VERSION = 1  # bump when the features or the model change: old caches are then not read
_FILES = ("samples.csv", "synthetic.csv", "public.csv")
_COLUMNS = ("description", "action", "child_voice")


def _sklearn() -> Any:
    try:
        import sklearn
    except ImportError as exc:  # pragma: no cover - the test environment has it
        raise MissingDependencyError(
            "the learned theme layer needs scikit-learn",
            hint='pip install "chronology[learn]", or tag with the rules only (learned=False)',
        ) from exc
    return sklearn


def _data_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "labelled"


def labelled_set(taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """The shipped labelled set: ``text, labels, age, agency, source, citation`` and ``gold`` (a
    tuple of ``(theme, polarity or None)`` per text; empty: the text evidences no theme).

    Examples
    --------
    >>> ls = labelled_set()
    >>> bool((ls["gold"].str.len() == 0).any())   # negatives are part of it
    True
    """
    from .guideline import examples
    from .taxonomy import load_taxonomy

    tax = taxonomy if taxonomy is not None else load_taxonomy()
    frames = []
    for name in _FILES:
        df = pd.read_csv(_data_dir() / name, dtype="str", keep_default_na=False, comment=None,
                         skiprows=_comment_lines(_data_dir() / name))
        frames.append(df)
    ex = examples(tax)
    frames.append(pd.DataFrame({
        "text": ex["text"], "labels": ex["theme"] + ":" + ex["polarity"], "age": ex["age"],
        "agency": "", "source": "guideline", "citation": "chronology labelling guideline (data/themes.toml)",
    }))
    ls = pd.concat(frames, ignore_index=True).astype("str")
    ls["gold"] = [_parse(s, tax) for s in ls["labels"].tolist()]
    return ls


def _comment_lines(path: Path) -> int:
    n = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            n += 1
    return n


def _parse(labels: str, tax: Taxonomy) -> tuple[tuple[str, str | None], ...]:
    out = []
    for part in labels.split(";"):
        theme, _, pol = part.strip().partition(":")
        if theme and theme in tax.themes:
            out.append((theme, pol.strip() or None))
    return tuple(out)


def labelled_from_labels(labels: pd.DataFrame, events: pd.DataFrame, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """A reviewer's decisions (:func:`chronology.read_labels`) as rows of a labelled set, to train the
    learned layer on them too: one row per reviewed event of ``events``, its gold the accepted and
    added themes (none when the reviewer only rejected: then the text is a negative). Inputs are
    not modified.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["x:1", "x:2"], "description": ["Seen alone at school", "Phone call"],
    ...                    "action": [None, None], "child_voice": [None, None]})
    >>> labels = pd.DataFrame({"event_id": ["x:1", "x:2"], "theme": ["child_voice", "escalation"],
    ...                        "polarity": ["strength", None], "decision": ["add", "reject"]})
    >>> labelled_from_labels(labels, ev)[["text", "labels", "source"]].values.tolist()
    [['Seen alone at school', 'child_voice:strength', 'reviewer'], ['Phone call', '', 'reviewer']]
    """
    from .taxonomy import load_taxonomy
    from .text import event_text

    tax = taxonomy if taxonomy is not None else load_taxonomy()
    cols = ["text", "labels", "age", "agency", "source", "citation", "gold"]
    ids = events["event_id"].astype("str")
    reviewed = ids.isin(set(labels["event_id"].astype("str"))).to_numpy()
    if not reviewed.any():
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "gold" else "str") for c in cols})
    ev = events[reviewed].reset_index(drop=True)
    text = pd.Series(pd.array(event_text(ev, [c for c in _COLUMNS if c in ev]), dtype="str")).str.strip()
    yes = labels[labels["decision"].astype("str").isin(["accept", "add"]).to_numpy()]
    part = (yes["theme"].astype("str") + ":" + yes["polarity"].astype("str").fillna("")).groupby(
        yes["event_id"].astype("str").to_numpy()).agg(";".join)
    lab = ids[reviewed].reset_index(drop=True).map(part).fillna("").astype("str")
    out = pd.DataFrame({"text": text, "labels": lab, "age": "", "agency": ev["agency"].astype("str")
                        if "agency" in ev else "", "source": "reviewer", "citation": "reviewer-confirmed labels"})
    out = out.astype("str")
    out["gold"] = [_parse(v, tax) for v in out["labels"].tolist()]
    return out[cols]


def gold_frame(ls: pd.DataFrame, ids: pd.Series | None = None) -> pd.DataFrame:
    """The labels of a labelled set in the long form :func:`~chronology.themes.evaluate` reads
    (``event_id, theme, polarity``), the event ids being ``ids`` (default: the row numbers)."""
    ids = ids if ids is not None else pd.Series(ls.index.astype(str), index=ls.index)
    rows = [(i, th, pol) for i, g in zip(ids, ls["gold"], strict=True) for th, pol in g]
    return pd.DataFrame(rows, columns=["event_id", "theme", "polarity"]).astype("str").replace("None", pd.NA)


# ------------------------------------------------------------------------------------ the model
@dataclass
class LearnedModel:
    """Vectorisers, the rule features' layout and one classifier per theme."""

    themes: list[str]
    word: Any
    char: Any
    svd: Any
    clf: dict[str, Any] = field(default_factory=dict)  # theme -> classifier (absent: too few labels)
    pol: dict[str, Any] = field(default_factory=dict)  # theme -> polarity classifier
    default_pol: dict[str, str] = field(default_factory=dict)

    def features(self, texts: pd.Series, rules: np.ndarray) -> Any:
        """Sparse features: word and character TF-IDF, their LSA vectors, and the rule flags."""
        from scipy import sparse

        w = self.word.transform(texts)
        c = self.char.transform(texts)
        tf = sparse.hstack([w, c]).tocsr()
        lsa = self.svd.transform(tf)
        return sparse.hstack([tf, sparse.csr_matrix(lsa), sparse.csr_matrix(rules)]).tocsr()

    def proba(self, x: Any) -> np.ndarray:
        """Per text and theme, the probability the text evidences it (0 for untrained themes)."""
        out = np.zeros((x.shape[0], len(self.themes)))
        for j, th in enumerate(self.themes):
            if th in self.clf:
                out[:, j] = self.clf[th].predict_proba(x)[:, 1]
        return out


def _rule_flags(texts: pd.Series, tax: Taxonomy, themes: list[str]) -> np.ndarray:
    """Per text, per theme: the rules tagged a concern (column 2j) or a strength (2j+1)."""
    from .text import text_tags

    n = len(texts)
    flags = np.zeros((n, 2 * len(themes)))
    if not n:
        return flags
    ev = pd.DataFrame({"description": pd.array(texts.to_numpy(), dtype="str")})
    for c in _COLUMNS[1:]:
        ev[c] = pd.Series([None] * n, dtype="str")
    t = text_tags(ev, tax)
    idx = {th: j for j, th in enumerate(themes)}
    keep = t["theme"].astype("str").isin(idx)
    t = t[keep]
    if t.empty:  # no rule fired on any text (and an empty frame's columns are not integers)
        return flags
    col = t["theme"].astype("str").map(idx).to_numpy(dtype=np.int64) * 2 + (
        t["polarity"].astype("str") == "strength").to_numpy(dtype=np.int64)
    flags[t["pos"].to_numpy(dtype=np.int64), col] = 1.0
    return flags


def train(
    ls: pd.DataFrame | None = None,
    taxonomy: Taxonomy | None = None,
    seed: int = 0,
    flags: np.ndarray | None = None,
) -> LearnedModel:
    """Fit the learned layer on a labelled set (default: :func:`labelled_set`); ``flags``: its
    rule features if already computed (:func:`_rule_flags`)."""
    _sklearn()
    from .taxonomy import load_taxonomy

    tax = taxonomy if taxonomy is not None else load_taxonomy()
    ls = ls if ls is not None else labelled_set(tax)
    themes = list(tax.themes)
    texts = ls["text"].astype("str")
    model = _fitted_features(texts, themes, tax, seed)
    x = model.features(texts, _rule_flags(texts, tax, themes) if flags is None else flags)
    for th in themes:
        _fit_theme(model, th, x, ls["gold"])
    return model


def _fitted_features(texts: pd.Series, themes: list[str], tax: Taxonomy, seed: int) -> LearnedModel:
    """A model with its text features (word and character TF-IDF, then SVD) fitted on ``texts``
    and no classifier yet."""
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)
    tf = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    svd = TruncatedSVD(n_components=min(100, max(2, tf.shape[0] - 1), tf.shape[1] - 1), random_state=seed)
    svd.fit(tf)
    return LearnedModel(themes, word, char, svd, default_pol={th: tax.themes[th].polarity for th in themes})


def _fit_theme(model: LearnedModel, th: str, x: Any, gold: pd.Series) -> None:
    """Fit theme ``th``'s classifier (at least 3 examples with and without it) and its polarity
    classifier (at least 6 with a polarity, 3 of each); in place."""
    from sklearn.linear_model import LogisticRegression

    y = np.array([any(t == th for t, _ in g) for g in gold])
    if y.sum() < 3 or (~y).sum() < 3:
        return
    model.clf[th] = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(x, y)
    pols = [next((p for t, p in g if t == th and p), None) for g in gold]
    has = np.array([p is not None for p in pols])
    yp = np.array([p == "strength" for p in pols])
    if has.sum() >= 6 and 3 <= yp[has].sum() <= has.sum() - 3:
        model.pol[th] = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(x[has], yp[has])


def _cache_dir() -> Path:
    if os.environ.get("CHRONOLOGY_CACHE_DIR"):
        return Path(os.environ["CHRONOLOGY_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chronology"


def _key(tax: Taxonomy) -> str:
    sk = _sklearn()
    h = hashlib.sha256(f"v{_VERSION} sklearn {sk.__version__}".encode())
    for name in _FILES:
        h.update((_data_dir() / name).read_bytes())
    h.update(repr(sorted((t.id, [p.regex for p in (*t.patterns, *t.negations)], sorted(t.guideline.items(), key=str))
                         for t in tax.themes.values())).encode())
    from ..resources import load_toml

    h.update(repr(load_toml("themes_scope.toml")).encode())
    return h.hexdigest()[:20]


_MODELS: dict[str, LearnedModel] = {}


def _load(key: str, tax: Taxonomy, extra: pd.DataFrame | None = None) -> LearnedModel:
    if key in _MODELS:
        return _MODELS[key]
    _MODELS[key] = model = _load_or_train(key, tax, extra)
    return model


def _load_or_train(key: str, tax: Taxonomy, extra: pd.DataFrame | None = None) -> LearnedModel:
    path = _cache_dir() / f"themes-learned-{key}.pkl"
    if path.is_file():
        try:
            with open(path, "rb") as fh:
                model = pickle.load(fh)
            if isinstance(model, LearnedModel):
                return model
        except Exception:  # a broken or foreign cache file: train again
            pass
    ls = None
    if extra is not None and len(extra):
        ls = pd.concat([labelled_set(tax), extra], ignore_index=True)
    model = train(ls, taxonomy=tax)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(model, fh)
        os.replace(tmp, path)
    except OSError:  # a read-only home: keep it in memory only
        pass
    return model


def load_model(taxonomy: Taxonomy | None = None, extra: pd.DataFrame | None = None) -> LearnedModel:
    """The learned layer for ``taxonomy`` (default: the brief's), trained at first use and cached.

    ``extra``: more labelled rows to train on beside the shipped set (e.g. reviewer-confirmed labels,
    :func:`labelled_from_labels`); the model for them is cached under its own key.
    """
    from .taxonomy import load_taxonomy

    tax = taxonomy if taxonomy is not None else load_taxonomy()
    key = _key(tax)
    if extra is not None and len(extra):
        key += "-" + hashlib.sha256(pd.util.hash_pandas_object(
            extra[["text", "labels"]].astype("str"), index=False).to_numpy().tobytes()).hexdigest()[:12]
    return _load(key, tax, extra)


# ------------------------------------------------------------------------------------ tagging
def _clauses(text: pd.Series) -> pd.DataFrame:
    """Each text's clauses (the rules' clause boundaries): ``row`` (position) and ``clause``."""
    parts = text.str.split(r"(?<=[;!?])|(?<=\.)(?=\s)|\n", regex=True)
    ex = parts.explode()
    ex = ex.astype("str").str.strip()
    df = pd.DataFrame({"row": np.asarray(ex.index), "clause": ex.to_numpy()})
    return df[df["clause"].str.len() > 0].reset_index(drop=True)


def learned_tags(
    events: pd.DataFrame, taxonomy: Taxonomy, rule_tags: pd.DataFrame, threshold: float = THRESHOLD,
    labels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The learned layer's tags of ``events`` that the rules (``rule_tags``) did not give: columns
    ``event_id, theme, label, polarity, rule, evidence, kind`` (``rule = "learned:<theme>"``,
    ``kind = "learned"``, ``evidence`` the event's clause the theme's classifier scores highest).

    Examples
    --------
    >>> import chronology as chron
    >>> from chronology.themes import tag
    >>> c = chron.Chronology.from_events(pd.DataFrame({"case_id": ["x"], "agency": ["health"],
    ...     "start": ["2024-01-02"],
    ...     "description": ["Baby examined at clinic, alert and smiling; weighed and measured."]}))
    >>> t = tag(c.events, learned=True)
    >>> t.loc[t["kind"] == "learned", "rule"].str.startswith("learned:").all()
    np.True_
    """
    from .tagging import TAG_COLUMNS
    from .text import event_text

    extra = labelled_from_labels(labels, events, taxonomy) if labels is not None and len(labels) else None
    model = load_model(taxonomy, extra)
    n = len(events)
    if not n:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in TAG_COLUMNS})
    text = pd.Series(pd.array(event_text(events, list(_COLUMNS)), dtype="str")).str.strip()
    x = model.features(text, _rule_flags(text, taxonomy, model.themes))
    prob = model.proba(x)
    rows, cols = np.nonzero(prob >= threshold)
    themes = np.array(model.themes, dtype=object)
    cand = pd.DataFrame({"row": rows, "theme": themes[cols], "p": prob[rows, cols]})
    ids = events["event_id"].astype("str").to_numpy()
    cand["event_id"] = ids[cand["row"].to_numpy()]
    have = set(zip(rule_tags["event_id"].astype("str"), rule_tags["theme"].astype("str"), strict=True))
    cand = cand[[(e, t) not in have for e, t in zip(cand["event_id"], cand["theme"], strict=True)]]
    if cand.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in TAG_COLUMNS})
    # polarity
    pol = np.array([model.default_pol.get(t, "concern") for t in cand["theme"]], dtype=object)
    for th, clf in model.pol.items():
        m = (cand["theme"] == th).to_numpy()
        if m.any():
            strength = clf.predict_proba(x[cand["row"].to_numpy()[m]])[:, 1] >= 0.5
            pol[m] = np.where(strength, "strength", "concern")
    cand["polarity"] = pol
    # evidence: the clause the theme's classifier scores highest
    cl = _clauses(text.iloc[np.unique(cand["row"].to_numpy())])
    cx = model.features(cl["clause"], _rule_flags(cl["clause"], taxonomy, model.themes))
    cp = model.proba(cx)
    col = {th: j for j, th in enumerate(model.themes)}
    score = pd.DataFrame(cp, columns=model.themes)
    score["row"] = cl["row"].to_numpy()
    score["clause"] = cl["clause"].to_numpy()
    long = score.melt(id_vars=["row", "clause"], var_name="theme", value_name="s")
    best = long.sort_values("s", ascending=False, kind="stable").drop_duplicates(["row", "theme"])
    cand = cand.merge(best[["row", "theme", "clause"]], on=["row", "theme"], how="left")
    cand["clause"] = cand["clause"].fillna(pd.Series(text.iloc[cand["row"]].to_numpy(), index=cand.index))
    del col
    labels = {th: taxonomy.themes[th].label for th in model.themes}
    out = pd.DataFrame({
        "event_id": cand["event_id"],
        "theme": cand["theme"],
        "label": cand["theme"].map(labels),
        "polarity": cand["polarity"],
        "rule": "learned:" + cand["theme"],
        "evidence": cand["clause"],
        "kind": "learned",
    })
    return out.astype("str")[list(TAG_COLUMNS)].reset_index(drop=True)


# ------------------------------------------------------------------------------------ evaluation
def cross_validate(
    folds: int = 5, seed: int = 0, taxonomy: Taxonomy | None = None, threshold: float = THRESHOLD,
    by_source: bool = False,
) -> pd.DataFrame:
    """Scores of the rules, the learned layer alone and both together (``method`` ``rule``,
    ``learned``, ``all``) on held-out folds of the labelled set: the model of each fold never sees
    its rows; the predictions of all folds are scored together by
    :func:`~chronology.themes.evaluate`. ``by_source``: also scored per source (``sample``,
    ``synthetic``, ``public``, ``guideline``; column ``source``, ``"all"`` for the whole set)."""
    from .evaluate import evaluate
    from .taxonomy import load_taxonomy

    tax = taxonomy if taxonomy is not None else load_taxonomy()
    ls = labelled_set(tax)
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(ls)) % folds
    ids = pd.Series([f"r{i}" for i in range(len(ls))])
    all_flags = _rule_flags(ls["text"].astype("str"), tax, list(tax.themes))
    preds = []
    for k in range(folds):
        tr, te = ls[fold != k].reset_index(drop=True), ls[fold == k].reset_index(drop=True)
        model = train(tr, tax, seed=seed, flags=all_flags[fold != k])
        text = te["text"].astype("str")
        flags = all_flags[fold == k]
        x = model.features(text, flags)
        prob = model.proba(x)
        te_ids = ids[fold == k].to_numpy()
        for j, th in enumerate(model.themes):
            ruled = flags[:, 2 * j : 2 * j + 2].any(axis=1)
            for i in np.flatnonzero(ruled):
                pols = [p for p, f in zip(("concern", "strength"), flags[i, 2 * j : 2 * j + 2], strict=True) if f]
                preds += [(te_ids[i], th, p, "rule") for p in pols]
            new = np.flatnonzero((prob[:, j] >= threshold) & ~ruled)
            if len(new):
                pol = np.full(len(new), model.default_pol[th], dtype=object)
                if th in model.pol:
                    pol = np.where(model.pol[th].predict_proba(x[new])[:, 1] >= 0.5, "strength", "concern")
                preds += [(te_ids[i], th, p, "learned") for i, p in zip(new, pol, strict=True)]
    tags = pd.DataFrame(preds, columns=["event_id", "theme", "polarity", "method"])
    gold = gold_frame(ls, ids)
    out = [evaluate(tags, gold, by="method", events=list(ids), themes=list(tax.themes)).assign(source="all")]
    if by_source:
        src = ls["source"].str.split(":").str[0]
        for name in sorted(set(src)):
            keep = ids[(src == name).to_numpy()].tolist()
            r = evaluate(tags[tags["event_id"].isin(keep)], gold[gold["event_id"].isin(keep)], by="method",
                         events=keep, themes=list(tax.themes))
            out.append(r.assign(source=name))
    return pd.concat(out, ignore_index=True)
