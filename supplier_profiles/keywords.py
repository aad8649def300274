"""The one keyword rule, used by the profile and case-study forms, the services and the importer.

Keywords keep the spelling and capitals the supplier typed ("ISO 9001", "CNC machining"), because
they are shown on the profile as written. Two keywords that differ only in letter case are the
same keyword ("Machining" repeats "machining"): the first spelling is kept. Inner runs of spaces
become one space, blanks are dropped, and there are at most KEYWORDS_MAX keywords of at most
KEYWORD_MAX characters each.
"""

from __future__ import annotations

from collections.abc import Iterable

from supplier_profiles.models import KEYWORD_MAX, KEYWORDS_MAX
from tradehub.errors import ValidationFailed

TOO_MANY_MESSAGE = f"Enter no more than {KEYWORDS_MAX} keywords"
TOO_LONG_MESSAGE = f"Each keyword must be {KEYWORD_MAX} characters or fewer"


def clean_keywords(raw: Iterable[str] | str | None, field: str = "keywords") -> list[str]:
    """Keywords from a list or a comma-separated string, cleaned by the rule above.

    Raises ValidationFailed (naming `field`) when there are too many or one is too long.
    """
    if raw is None:
        items: list = []
    else:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: set[str] = set()
    keywords: list[str] = []
    for item in items:
        word = " ".join(str(item).split())
        folded = word.casefold()
        if not word or folded in seen:
            continue
        if len(word) > KEYWORD_MAX:
            raise ValidationFailed(TOO_LONG_MESSAGE, field)
        seen.add(folded)
        keywords.append(word)
    if len(keywords) > KEYWORDS_MAX:
        raise ValidationFailed(TOO_MANY_MESSAGE, field)
    return keywords
