"""The ``framelens_paragraphs`` spaCy component: a sentence starts at a paragraph break.

framelens's own spaCy pipeline (``load_nlp``) runs it before the parser. A pipeline of
your own that carries the ``framelens`` component reads the same parse as ``framelens
analyze`` when it carries this one too: ``nlp.add_pipe("framelens_paragraphs",
before="parser")`` (registered through the ``spacy_factories`` entry point, so a pipeline
saved with it loads again).
"""

# No `from __future__ import annotations`: spaCy validates a factory's arguments against
# its runtime annotations.

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

PARAGRAPHS = "framelens_paragraphs"

_ENDS = (".", "!", "?", "…", ":")
_CLOSERS = "\"”’')]»"


def paragraph_starts(doc: Doc) -> Doc:
    """A sentence starts after a paragraph break, before the parser runs: a headline or a
    paragraph is never one sentence with the next ("Obama Says Museum Will Tell ...\\n\\n
    WASHINGTON -- President Obama ... said": the parser made "Says" the root of both and
    left "said" with no subject). A paragraph break is a blank line, or a line break after
    a sentence's end (". ! ? … :" or a quotation mark or bracket closing one); a line
    break in mid-sentence (text wrapped by a PDF reader) is left to the parser. The parser
    keeps these starts and places the others as before."""
    for tok in doc[2:]:
        prev = doc[tok.i - 1]
        if not prev.is_space or "\n" not in prev.text or tok.is_space:
            continue
        last = doc[tok.i - 2].text
        if "\n\n" in prev.text or last.rstrip(_CLOSERS)[-1:] in _ENDS or last in _ENDS:
            tok.is_sent_start = True
    return doc


@Language.factory(PARAGRAPHS)
def make_paragraph_starts(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """``nlp.add_pipe("framelens_paragraphs", before="parser")``."""
    return paragraph_starts
