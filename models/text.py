"""Words as search sees them: the tokenizer that both the search index and search queries use."""

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of `text` as both databases index them: diacritics folded, lower-cased, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(folded.casefold())
