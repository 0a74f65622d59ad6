"""Pure text tools shared by the layers above: analyzers, evidence, nlp, compare, eval.

- ``quantities``: numbers, amounts, percentages, dates and durations parsed from text;
- ``syntax``: small helpers over a spaCy parse (heads, hyphenated words, entities in a span);
- ``quote_marks``: quotation-mark pairing on raw text;
- ``intervals``: "is this position inside any of these character ranges?" by bisection;
- ``rules``: the contradiction rules (numbers, dates, negation, antonyms, roles) and
  their word lists (``resources/lexicons/nli_rules.toml``).

Nothing here loads a model or imports from ``framelens.nlp``, ``framelens.analyzers`` or
``framelens.evidence``; the layering test (``tests/test_layers.py``) checks it.
"""
