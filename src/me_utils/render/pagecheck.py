"""Check what a reviewer reads on a rendered report page (layer: render).

:func:`page_problems` parses a page and returns every visible text (text nodes of ``<body>``,
plus ``alt`` and ``title`` attributes) that a Vietnamese report must not show:

- English: a piece of an English label from :mod:`me_utils.core.labels` that no Vietnamese label
  contains, or an English word that is never a Vietnamese syllable (``the``, ``of``,
  ``written``, ``mirror``, …);
- raw code names: ``snake_case`` identifiers, ``name = value`` settings, internal tags
  (``VERIFIED``, ``UNVERIFIED``), ``non-GBV``, the package name;
- file paths: folders of the project (``data/…``, ``processed/…``) or any path ending in a
  data or code file extension;
- nbconvert's English placeholder for images without alt text, and images with no alt at all.

Indicator codes (``M3.C2a``, ``TT.4``), legal document numbers (``28/NQ-CP``), dates, numbers
and URLs are allowed. The bilingual illustrative-data banner (``.me-illustrative``) is allowed
to carry its English half, as the contracts require.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from me_utils.core.labels import english_only

#: English words that are never Vietnamese syllables (checked as whole ASCII words).
ENGLISH_WORDS = frozenset(
    """
the of and with by from for is are be was were this that these those which will should has have
written analyst found source sources mirror citing report reports national data unverified
verified commit manifest hash none unknown year years value values target targets province
district illustrative not only per at it its or into than then there their when where who
""".split()
)
#: Proper names of English-language documents that may be cited as titles.
ALLOWED_PHRASES = (
    "UNSD Progress Chart Technical Note",
    "Open SDG",
    "progress-methodology",
    "technical notes",
    "Progress Chart",
)

_WORD = re.compile(r"(?<![\w/.-])[A-Za-z]+(?![\w/])")
# Two letters at least on each side of "_": "v_t" in a formula is mathematics, not code.
_SNAKE = re.compile(r"\b[a-z][a-z0-9]+_[a-z0-9_]*[a-z0-9]{2,}\b")
_SETTING = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\s*=\s*[\w\"']")
_TAGS = re.compile(r"\b(?:UNVERIFIED|VERIFIED(?:-VI|-EN)?|PARTIAL|non-GBV|me_utils|None|NaN|nan)\b")
_PATH = re.compile(
    r"(?<![\w:/])(?:data|processed|raw|reports|notebooks|src|tmp|home|work)/[\w./-]+"
    r"|(?<![\w:/])[\w.-]+/[\w./-]*\.(?:csv|ya?ml|parquet|json|xlsx|ipynb|py|html|txt|log)\b"
    r"|(?<![\w:/])/(?:tmp|home|work|srv|usr)/\S+"
)
_URL = re.compile(r"https?://\S+")
NBCONVERT_ALT = "No description has been provided for this image"


@dataclass(frozen=True)
class Problem:
    """One offending text: ``kind`` (english|code|path|alt), the ``text`` (up to 160
    characters) and what matched (``match``)."""

    kind: str
    text: str
    match: str


class _Texts(HTMLParser):
    """Collects visible text nodes, alt/title attributes and img tags of a page body."""

    SKIP = frozenset({"style", "script", "head", "title", "noscript"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[str, bool]] = []  # (text, inside the bilingual banner)
        self.images: list[str | None] = []

    def _allowed(self) -> bool:
        return any(b for _, b in self.stack)

    def _skipping(self) -> bool:
        return any(t in self.SKIP for t, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        banner = "me-illustrative" in (a.get("class") or "").split()
        if tag == "img":
            self.images.append(a.get("alt"))
        for key in ("alt", "title", "aria-label", "data-label"):
            if a.get(key) and not self._skipping():
                self.texts.append((a[key], banner or self._allowed()))
        if tag not in ("img", "br", "hr", "meta", "link", "input", "col", "wbr"):
            self.stack.append((tag, banner))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not self._skipping():
            self.texts.append((data.strip(), self._allowed()))


def visible_texts(page: str) -> tuple[list[tuple[str, bool]], list[str | None]]:
    """Text nodes and text attributes of ``page`` as ``(text, in_banner)`` pairs, and the alt
    attribute of every ``<img>`` (None when missing)."""
    p = _Texts()
    p.feed(page)
    return p.texts, p.images


def text_problems(text: str, english: set[str] | None = None) -> list[Problem]:
    """Problems of one visible text of a Vietnamese page (see the module docstring)."""
    english = english_only() if english is None else english
    short = text[:160]
    found: list[Problem] = []
    clean = _URL.sub(" ", text)
    for phrase in ALLOWED_PHRASES:
        clean = clean.replace(phrase, " ")
    if NBCONVERT_ALT in clean:
        found.append(Problem("alt", short, NBCONVERT_ALT))
    for piece in english:
        if piece in clean:
            found.append(Problem("english", short, piece))
    for m in _WORD.finditer(clean):
        if m.group(0).lower() in ENGLISH_WORDS and not m.group(0).isupper():
            found.append(Problem("english", short, m.group(0)))
            break
    for rx in (_SNAKE, _SETTING, _TAGS):
        m = rx.search(clean)
        if m:
            found.append(Problem("code", short, m.group(0)))
    m = _PATH.search(clean)
    if m:
        found.append(Problem("path", short, m.group(0)))
    return found


def page_problems(page: str) -> list[Problem]:
    """Every problem of the Vietnamese report ``page`` (HTML text); [] when it is clean.

    Images without alt text count as problems (kind ``alt``)."""
    english = english_only()
    texts, images = visible_texts(page)
    out: list[Problem] = []
    for alt in images:
        if alt is None or not alt.strip():
            out.append(Problem("alt", "<img>", "missing alt"))
    for text, in_banner in texts:
        if in_banner:
            continue
        out.extend(text_problems(text, english))
    return out
