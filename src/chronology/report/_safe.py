"""Safe text for exports: formula-injection neutralising, XML-illegal characters, HTML escaping.

All functions are vectorised over a pandas Series and never modify their input.

A spreadsheet program treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab, carriage return or line feed) as a formula; Excel and LibreOffice also take the
full-width forms ``＝ ＋ － ＠`` typed with East Asian input methods, and the small, superscript
and subscript forms (``﹦ ⁼ ₌ ﹢ ⁺ ₊ ﹣ ﹫``, every character that Unicode's compatibility
normalisation NFKC turns into one of the four) and the minus sign ``−`` are treated the same here. A chronology's free text can begin that way
("+44 7700 900123", "-10 mins late", "=HYPERLINK(...)" pasted by someone), so every text cell
written to Excel or CSV goes through :func:`neutralise`: such a value is prefixed with a single
quote ``'`` (the OWASP "CSV injection" advice), which makes it inert text in Excel, LibreOffice and
Google Sheets. The quote stays visible, which tells the reader the value was neutralised.

Examples
--------
>>> import pandas as pd
>>> neutralise(pd.Series(["=1+1", "+44 7700 900123", "Seen at home", None], dtype="str")).tolist()
["'=1+1", "'+44 7700 900123", 'Seen at home', nan]
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "INERT_MARK",
    "clean_text",
    "escape_html",
    "inert",
    "inert_text",
    "is_formula_like",
    "is_text",
    "neutralise",
]

#: First characters that make a spreadsheet cell a formula: the OWASP "CSV injection" list
#: (``= + - @``, tab, carriage return), line feed, the full-width forms Excel and LibreOffice accept
#: (U+FF1D, U+FF0B, U+FF0D, U+FF20), every other character NFKC maps to one of ``= + - @``
#: (small, superscript, subscript forms, U+FB29), and the minus sign U+2212.
FORMULA_PREFIXES = (
    "=", "+", "-", "@", "\t", "\r", "\n",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # full-width ＝ ＋ － ＠
    "\ufe66", "\ufe62", "\ufe63", "\ufe6b",  # small forms
    "\u207c", "\u208c", "\u207a", "\u208a",  # superscript and subscript = +
    "\ufb29", "\u2212",  # Hebrew alternative plus sign, minus sign
)
_FORMULA_RE = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_PREFIXES) + "]"
# Characters XML 1.0 (xlsx, docx) cannot hold: C0 controls other than tab, newline, carriage return.
_ILLEGAL_XML_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_TRUNCATED = " [... cut: cell longer than the spreadsheet limit; see the source file]"


def is_text(series: pd.Series) -> bool:
    """Whether ``series`` holds text (pandas ``str``/``string`` dtype, or object).

    Examples
    --------
    >>> is_text(pd.Series(["a"], dtype="str")), is_text(pd.Series([1]))
    (True, False)
    """
    return bool(pd.api.types.is_string_dtype(series.dtype) or series.dtype == object)


def _string_mask(series: pd.Series, pattern: str) -> pd.Series:
    """Boolean mask of values that are strings matching ``pattern`` (non-strings: False)."""
    if series.dtype == object:
        is_str = series.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False)
        texts = series.where(is_str.astype(bool)).astype("str")
        return texts.str.contains(pattern, regex=True).fillna(False).astype(bool) & is_str.astype(bool)
    return series.str.contains(pattern, regex=True).fillna(False).astype(bool)


def is_formula_like(series: pd.Series) -> pd.Series:
    """Boolean mask of the text values a spreadsheet would read as a formula (they begin with one
    of :data:`FORMULA_PREFIXES`); non-text values and missing values are False.

    Examples
    --------
    >>> is_formula_like(pd.Series(["=1+1", "\uff1dSUM(A1)", "\uff20x", "ok", None], dtype="str")).tolist()
    [True, True, True, False, False]
    >>> is_formula_like(pd.Series([-1, 2])).tolist()
    [False, False]
    """
    if not is_text(series) or series.empty:
        return pd.Series(False, index=series.index, dtype=bool)
    return _string_mask(series, _FORMULA_RE)


def neutralise(series: pd.Series) -> pd.Series:
    """Make text that a spreadsheet would read as a formula inert, by prefixing ``'``.

    Parameters
    ----------
    series
        Any Series. Text values beginning with ``=``, ``+``, ``-``, ``@`` (or their full-width
        and other compatibility forms), a tab, a carriage return or a line feed get a leading
        single quote; other values, missing values and non-text Series are
        returned unchanged. The input is not modified.

    Returns
    -------
    pandas.Series
        Same index, name and dtype.

    Examples
    --------
    >>> s = pd.Series(["-10 mins late", "@mention", "\\tTab", "ok", pd.NA], dtype="str")
    >>> neutralise(s).tolist()
    ["'-10 mins late", "'@mention", "'\\tTab", 'ok', nan]
    >>> neutralise(pd.Series(["\uff1d1+1", "\uff0b44 7700 900123"], dtype="str")).tolist()
    ["'＝1+1", "'＋44 7700 900123"]
    >>> neutralise(pd.Series([-1, 2])).tolist()      # numbers are not text: unchanged
    [-1, 2]
    """
    if not is_text(series) or series.empty:
        return series.copy()
    mask = is_formula_like(series)
    if not mask.any():
        return series.copy()
    out = series.copy()
    out[mask] = "'" + series[mask].astype("str")
    return out


#: the invisible character put before formula-like text in HTML and Word (U+2060 WORD JOINER:
#: no width, no line break, not a space)
INERT_MARK = "\u2060"


def inert(series: pd.Series) -> pd.Series:
    """Formula-like text made inert for documents that are read, not calculated (HTML, Word):
    an invisible word joiner (U+2060) is put before it, so the text looks the same, but Excel opening
    the .html file, or a table copied from the report and pasted into a spreadsheet, sees a cell
    that does not begin with ``=``, ``+``, ``-`` or ``@`` and keeps it as text.

    Examples
    --------
    >>> inert(pd.Series(["=1+1", "\uff20cmd", "ok", None], dtype="str")).str.len().tolist()
    [5.0, 5.0, 2.0, nan]
    """
    if not is_text(series) or series.empty:
        return series.copy()
    mask = is_formula_like(series)
    if not mask.any():
        return series.copy()
    out = series.copy()
    out[mask] = INERT_MARK + series[mask].astype("str")
    return out


def inert_text(text: str) -> str:
    """:func:`inert` for one string.

    Examples
    --------
    >>> inert_text("=cmd") == "\u2060=cmd", inert_text("Date")
    (True, 'Date')
    """
    return str(inert(pd.Series([text], dtype="str")).iloc[0])


def clean_text(series: pd.Series, *, max_chars: int | None = None) -> pd.Series:
    """Remove characters XML files cannot hold and, optionally, cut over-long values.

    Word and Excel files are XML: a stray control character copied from another system (a
    vertical tab, a form feed, a NUL) would make the file unwritable. Such characters are
    removed. With ``max_chars``, longer values are cut and end with a note saying so.
    Non-text Series are returned unchanged; the input is not modified.

    Examples
    --------
    >>> clean_text(pd.Series(["a\\x0bb", "line1\\nline2"], dtype="str")).tolist()
    ['ab', 'line1\\nline2']
    >>> clean_text(pd.Series(["x" * 10], dtype="str"), max_chars=4).str.len().tolist()
    [75]
    """
    if not is_text(series) or series.empty:
        return series.copy()
    out = series.copy()
    bad = _string_mask(series, _ILLEGAL_XML_RE)
    if bad.any():
        out[bad] = series[bad].astype("str").str.replace(_ILLEGAL_XML_RE, "", regex=True)
    if max_chars is not None:
        long = (out.astype("str").str.len().fillna(0) > max_chars).astype(bool)
        if long.any():
            out[long] = out[long].astype("str").str.slice(0, max_chars) + _TRUNCATED
    return out


def escape_html(series: pd.Series) -> pd.Series:
    """HTML-escape every value (``&``, ``<``, ``>``, quotes), as text; missing values become ``""``.

    Examples
    --------
    >>> escape_html(pd.Series(["<script>alert(1)</script>", None, 3])).tolist()
    ['&lt;script&gt;alert(1)&lt;/script&gt;', '', '3']
    """
    text = series.astype("str").fillna("")
    if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
        text = text.where(series.notna(), "")
    return (
        text.str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
        .str.replace('"', "&quot;", regex=False)
        .str.replace("'", "&#x27;", regex=False)
    )
