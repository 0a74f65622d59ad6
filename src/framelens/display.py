"""What may be shown to a person: URLs without passwords, text without terminal controls.

Low in the import graph (nothing from framelens): the store, the error messages and every
output path of the CLI call these two functions, so a secret or an escape sequence cannot
reach a screen by a path someone forgot.
"""

from __future__ import annotations

import re

# scheme://user:password@host... — the password runs to the last "@" before the path, so a
# password that contains a raw "@" is masked whole.
# Bounded runs keep a hostile text (many "a://b:" and no "@") linear.
_URL_PASSWORD = re.compile(
    r"(\b[a-z][a-z0-9+.\-]{0,30}://[^:/@\s]{0,256}:)[^/\s]{0,256}(?=@)", re.IGNORECASE
)
# ...?password=secret (libpq and psycopg read it from the query string too)
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#\s]*", re.IGNORECASE)


def mask_url(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``.

    >>> mask_url("postgresql+psycopg://ana:s3cret@db.example.org/news")
    'postgresql+psycopg://ana:***@db.example.org/news'
    """
    text = _URL_PASSWORD.sub(r"\1***", text)
    return _QUERY_PASSWORD.sub(r"\1***", text)


# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides and
# isolates that make a terminal show text in another order than it is stored.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    # C0 as \x1b; DEL, C1 and the rest as \u0085: JSON encoders escape C0 themselves but
    # pass the others through, and \u0085 inside a JSON string is still valid JSON.
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x7F else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character a terminal would act on shown escaped.

    ESC, BEL, CR, backspace and the like come from data (a title, an outlet, a file name)
    and must not move the cursor, recolour the screen or ring a bell: ESC prints as the four
    characters ``\\x1b``. Newlines and tabs stay.
    """
    return _CONTROL.sub(_escape, text)
