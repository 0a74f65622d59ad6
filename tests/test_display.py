"""What reaches a screen: URLs without passwords, text without terminal controls."""

from __future__ import annotations

import json

from framelens.display import mask_url, terminal_safe


def test_mask_url_hides_every_password() -> None:
    assert (
        mask_url("postgresql+psycopg://ana:s3cret@db.example.org:5432/news")
        == "postgresql+psycopg://ana:***@db.example.org:5432/news"
    )
    # A raw "@" in the password, several URLs in one line, and a password in the query.
    line = "a postgresql://u:p@ss@h/d then mysql://x:y@h2/e and postgresql://u@/d?password=z&port=1"
    masked = mask_url(line)
    assert "p@ss" not in masked and ":y@" not in masked and "password=z" not in masked
    assert "postgresql://u:***@h/d" in masked and "password=***&port=1" in masked
    for plain in ("sqlite:////tmp/x.db", "postgresql://ana@db/news", "no url here"):
        assert mask_url(plain) == plain


def test_mask_url_is_linear_on_hostile_text() -> None:
    import time

    start = time.perf_counter()
    mask_url("a://b:" * 50_000)
    assert time.perf_counter() - start < 2


def test_terminal_safe_escapes_controls_and_keeps_json_valid() -> None:
    raw = "Title\x1b[2J\x07 by\rme\u202eevil\x85\ttab\nline"
    safe = terminal_safe(raw)
    assert "\x1b" not in safe and "\x07" not in safe and "\r" not in safe
    assert "\u202e" not in safe and "\x85" not in safe
    assert "\\x1b[2J" in safe and "\\x07" in safe and "\\x0d" in safe
    assert "\ttab\nline" in safe  # tabs and newlines stay
    # JSON a command prints stays JSON, with the same value, once made terminal-safe.
    dumped = json.dumps({"t": raw}, ensure_ascii=False)
    assert json.loads(terminal_safe(dumped)) == {"t": raw}
