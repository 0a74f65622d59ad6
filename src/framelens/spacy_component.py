"""framelens as a spaCy pipeline component: ``nlp.add_pipe("framelens")``.

The factory is registered through the ``spacy_factories`` entry point, so any spaCy
pipeline can carry it without importing framelens first, and a pipeline saved with
``nlp.to_disk`` loads with it again. It sets:

- ``doc._.framelens``: the ``Analysis`` of ``doc.text`` (offsets index ``doc.text``);
- ``doc._.quotes``: one ``Span`` per quote (``Quote.span``, widened to whole tokens);
- ``span._.quote``: the ``Quote`` record of such a span (``None`` for other spans);
- ``token._.actor``: the id of the actor a token's mention names (``None`` elsewhere).

Which parse the analyzers read is the ``parse`` setting of the component:

- ``"auto"`` (default): the host pipeline's own parse when the doc carries everything the
  analyzers read (tags, parts of speech, lemmas, dependencies, entities) and the analyzers
  accept that pipeline's model; otherwise framelens parses ``doc.text`` with its own
  spaCy pipeline (``spacy_model``), so ``spacy.blank("en")`` can carry it too;
- ``"host"``: always the host's parse; a doc without it is a ``ModelError`` that names
  the missing components;
- ``"own"``: always framelens's own parse (the host's annotations are left as they are).

framelens's own pipeline starts a sentence at every paragraph break before its parser
(``framelens_paragraphs``, ``framelens.nlp.paragraphs``); a host pipeline reads exactly
what ``framelens analyze`` reads when it carries that component too
(``nlp.add_pipe("framelens_paragraphs", before="parser")``), and otherwise its parser may
join a headline to the lead.

The host doc itself is never changed beyond the extensions above. The extension values
live in ``doc.user_data`` as plain JSON-able data, so docs still serialise
(``doc.to_bytes``, ``DocBin(store_user_data=True)``).
"""

# No `from __future__ import annotations` here: spaCy validates the factory's arguments
# against its runtime annotations.

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

if TYPE_CHECKING:
    from .model import Analysis, Article, Quote

#: ``doc.has_annotation`` names the analyzers read, with the component that sets each.
NEEDED_ANNOTATIONS: dict[str, str] = {
    "TAG": "tagger",
    "POS": "attribute_ruler or morphologizer",
    "LEMMA": "lemmatizer",
    "DEP": "parser",
    "ENT_IOB": "ner",
}
PARSE_MODES = ("auto", "host", "own")

#: Keys of the component's data in ``doc.user_data`` (plain dicts and strings only).
_ANALYSIS_KEY = "framelens.analysis"
_QUOTES_KEY = "framelens.quote_spans"

# Each doc's ``Analysis`` object, built once from the stored dict: the extension hands out
# the same object on every access (and rebuilds it after ``Doc.from_bytes``).
_MEMO: "weakref.WeakKeyDictionary[Doc, tuple[Any, Analysis]]" = weakref.WeakKeyDictionary()


def _get_analysis(doc: Doc) -> "Analysis | None":
    data = doc.user_data.get(_ANALYSIS_KEY)
    if data is None:
        return None
    memo = _MEMO.get(doc)
    if memo is not None and memo[0] is data:
        return memo[1]
    from .model import Analysis

    analysis = Analysis.model_validate(data)
    _MEMO[doc] = (data, analysis)
    return analysis


def _get_quotes(doc: Doc) -> list[Span]:
    spans = doc.user_data.get(_QUOTES_KEY) or {}
    out = []
    for key in spans:
        start, end = (int(x) for x in key.split(":"))
        span = doc.char_span(start, end)
        if span is not None:
            out.append(span)
    return out


def _get_quote(span: Span) -> "Quote | None":
    index = (span.doc.user_data.get(_QUOTES_KEY) or {}).get(f"{span.start_char}:{span.end_char}")
    analysis = _get_analysis(span.doc)
    if index is None or analysis is None:
        return None
    return analysis.quotes[index]


def register_extensions() -> None:
    """The component's ``Doc``/``Span``/``Token`` extensions (replacing any of those names)."""
    Doc.set_extension("framelens", getter=_get_analysis, force=True)
    Doc.set_extension("quotes", getter=_get_quotes, force=True)
    Span.set_extension("quote", getter=_get_quote, force=True)
    Token.set_extension("actor", default=None, force=True)


def missing_annotations(doc: Doc) -> list[str]:
    """The annotations of ``NEEDED_ANNOTATIONS`` that ``doc`` lacks."""
    return [name for name in NEEDED_ANNOTATIONS if not doc.has_annotation(name)]


class FramelensComponent:
    """Runs a framelens ``Pipeline`` on each doc; see the module docstring."""

    def __init__(
        self,
        nlp: Language,
        name: str = "framelens",
        analyzers: Sequence[str] | None = None,
        parse: str = "auto",
        settings: dict[str, Any] | None = None,
    ):
        from .config import load_settings
        from .errors import ConfigError, ModelError
        from .pipeline import Pipeline

        if parse not in PARSE_MODES:
            raise ConfigError(
                f"the framelens component's parse must be one of {', '.join(PARSE_MODES)}, "
                f"got {parse!r}",
                fix='e.g. nlp.add_pipe("framelens", config={"parse": "auto"})',
                value=parse,
            )
        self.name = name
        self.host = nlp
        self.parse = parse
        self.settings = load_settings(None, **(settings or {}))
        self._own_nlp: Language | None = None
        self.host_ok = parse != "own"
        self.pipeline: Pipeline
        if parse == "own":
            self.pipeline = Pipeline(analyzers, self.settings)
            self._own_nlp = self.pipeline.nlp
        else:
            try:  # no model loads here: the host pipeline parses
                self.pipeline = Pipeline(analyzers, self.settings, nlp=nlp)
            except ModelError:
                if parse == "host":
                    raise
                # An analyzer cannot read this pipeline's parse (the fast portrayal model
                # reads en_core_web_sm's token vectors): framelens parses every doc itself.
                self.pipeline = Pipeline(analyzers, self.settings)
                self._own_nlp = self.pipeline.nlp
                self.host_ok = False
        self._error_handler: Callable[..., Any] | None = None
        register_extensions()

    # -- spaCy's component protocol -----------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        ((_, result),) = self._analyze([doc])
        if isinstance(result, BaseException):
            raise result
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 16) -> Iterator[Doc]:
        """Docs in order, analysed ``batch_size`` at a time (one shared-features pass per
        batch). A doc that fails goes to the error handler (by default: raise)."""
        handler = self.get_error_handler()
        for docs in minibatch(stream, size=batch_size):
            for doc, result in self._analyze(list(docs)):
                if isinstance(result, BaseException):
                    handler(self.name, self, [doc], result)
                else:
                    yield doc

    def get_error_handler(self) -> Callable[..., Any]:
        from spacy.util import raise_error

        return self._error_handler or raise_error

    def set_error_handler(self, error_handler: Callable[..., Any]) -> None:
        self._error_handler = error_handler

    # -- the work -----------------------------------------------------------------------

    @property
    def own_nlp(self) -> Language:
        """framelens's own spaCy pipeline, loaded (and checked) the first time it is needed."""
        if self._own_nlp is None:
            from .nlp import load_nlp, model_id

            nlp = load_nlp(self.settings.spacy_model, self.settings.max_chars)
            self.pipeline.check_nlp(model_id(nlp))
            self._own_nlp = nlp
        return self._own_nlp

    def uses_host_parse(self, doc: Doc) -> bool:
        """Whether the analyzers read the host's parse of ``doc`` (see ``parse``)."""
        if not self.host_ok:
            return False
        missing = missing_annotations(doc)
        if missing and self.parse == "host" and doc.text.strip():
            from .errors import ModelError

            needed = sorted({NEEDED_ANNOTATIONS[m] for m in missing})
            raise ModelError(
                f"the doc has no {', '.join(missing)} annotations for framelens to read: the "
                f"components before {self.name!r} in the pipeline lack {', '.join(needed)}",
                fix="add those components before framelens (e.g. nlp.add_pipe('parser', "
                "source=spacy.load('en_core_web_sm'))), or set parse to 'auto'",
                value=missing,
            )
        return not missing

    def _analyze(self, docs: list[Doc]) -> list[tuple[Doc, "Analysis | BaseException"]]:
        from .model import Analysis, Article, Failure
        from .nlp import model_id

        results: dict[int, Analysis | Failure | BaseException] = {}
        host: list[int] = []
        own: list[int] = []
        for i, doc in enumerate(docs):
            try:
                (host if self.uses_host_parse(doc) else own).append(i)
            except Exception as exc:
                results[i] = exc
        articles = [Article(text=doc.text, lang=doc.lang_ or None) for doc in docs]
        if host:
            self._run(articles, docs, host, model_id(self.host), results)
        if own:
            try:
                parsed = list(self.own_nlp.pipe([docs[i].text for i in own]))
            except Exception as exc:
                results.update((i, exc) for i in own)
            else:
                own_docs = dict(zip(own, parsed, strict=True))
                parses = [own_docs.get(i, d) for i, d in enumerate(docs)]
                self._run(articles, parses, own, model_id(self.own_nlp), results)
        out: list[tuple[Doc, Analysis | BaseException]] = []
        for i, doc in enumerate(docs):
            result = results[i]
            if isinstance(result, Failure):
                from .errors import FramelensError

                result = FramelensError(result.message, fix=result.fix, code=result.code)
            if isinstance(result, Analysis):
                set_annotations(doc, result)
            out.append((doc, result))
        return out

    def _run(
        self,
        articles: list["Article"],
        parses: list[Doc],
        which: list[int],
        nlp_id: str,
        results: dict[int, Any],
    ) -> None:
        from .model import Analysis

        blank = [i for i in which if not articles[i].text.strip()]
        for i in blank:  # nothing to read: an empty analysis, not an analyzer failure
            results[i] = Analysis(article=articles[i], pipeline=self.versions(nlp_id))
        todo = [i for i in which if i not in blank]
        if not todo:
            return
        done = self.pipeline.analyze_parsed(
            [articles[i] for i in todo], [parses[i] for i in todo], versions=self.versions(nlp_id)
        )
        results.update(zip(todo, done, strict=True))

    def versions(self, nlp_id: str) -> dict[str, str]:
        """``Analysis.pipeline``: the spaCy pipeline that parsed, and each analyzer."""
        return {**self.pipeline.versions, "nlp": nlp_id}


def set_annotations(doc: Doc, analysis: "Analysis") -> None:
    """Store ``analysis`` on ``doc``: ``doc._.framelens``, ``doc._.quotes``, ``span._.quote``
    and ``token._.actor`` (offsets are into ``doc.text``; spans widen to whole tokens)."""
    data = analysis.model_dump(mode="json", by_alias=True)
    doc.user_data[_ANALYSIS_KEY] = data
    _MEMO[doc] = (data, analysis)
    quotes: dict[str, int] = {}
    for index, quote in enumerate(analysis.quotes):
        span = doc.char_span(quote.span.start, quote.span.end, alignment_mode="expand")
        if span is not None:
            quotes.setdefault(f"{span.start_char}:{span.end_char}", index)
    doc.user_data[_QUOTES_KEY] = quotes
    # A second run on the same doc starts over (token extension values are user_data keys).
    for key in [k for k in doc.user_data if isinstance(k, tuple) and k[:2] == ("._.", "actor")]:
        del doc.user_data[key]
    for actor in analysis.actors:
        for mention in actor.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            for token in span or ():
                if token._.actor is None:
                    token._.actor = actor.id


@Language.factory(
    "framelens",
    default_config={"analyzers": None, "parse": "auto", "settings": {}},
    assigns=["doc._.framelens", "doc._.quotes", "span._.quote", "token._.actor"],
)
def make_framelens(
    nlp: Language,
    name: str,
    analyzers: list[str] | None,
    parse: str,
    settings: dict[str, Any],
) -> FramelensComponent:
    """``nlp.add_pipe("framelens", config={"analyzers": [...], "parse": "auto",
    "settings": {"portrayal_model": "fast"}})``; ``analyzers`` ``None`` runs them all."""
    return FramelensComponent(nlp, name, analyzers, parse, settings)
