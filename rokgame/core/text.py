"""Text that came from outside (chart titles, audio tags, file names, web pages), made safe to show.

Anything a player or a web page hands us can hold a NUL (pygame refuses to draw it), a
lone surrogate from a file name that is not UTF-8 (the terminal refuses to print it),
or terminal escape codes (which would repaint the player's terminal). :func:`clean_text`
is for what is stored and drawn; :func:`terminal_text` for what is printed.
"""

from __future__ import annotations

import re

#: Titles longer than this are cut (a 1 MB "title" is not one; the screen shows a line at most).
MAX_TEXT = 300

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[\t\n\r\u2028\u2029]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str, *, limit: int = MAX_TEXT) -> str:
    """``text`` without control characters (NUL, escape codes), lone surrogates as U+FFFD, one line, cut."""
    cleaned = _SURROGATES.sub("\ufffd", _CONTROLS.sub("", _SPACES.sub(" ", text)))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def needs_cleaning(text: str) -> bool:
    return clean_text(text, limit=len(text) + 1) != text


_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def terminal_output(text: str) -> str:
    """Like :func:`terminal_text`, but keeps the line controls our own output uses (newline, tab, ``\\r``)."""
    return _TERMINAL_CONTROLS.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` as it can be printed to any terminal: controls escaped visibly (``\\x1b``), never interpreted,
    and what the terminal's encoding cannot show (a file name's stray bytes) escaped too."""
    return _SURROGATES.sub(_escape, _CONTROLS.sub(_escape, text))
