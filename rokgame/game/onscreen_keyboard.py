"""The on-screen keyboard: typing with a controller alone, as in YARG or Steam Big Picture.

A grid of keys on two pages (letters and symbols) with a cursor that the d-pad or stick moves,
wrapping around at every edge. A presses the key under the cursor, X deletes, Y types a space,
Start is Done and B closes the keyboard. The model knows nothing of pixels:
:mod:`rokgame.game.render.onscreen_keyboard` draws it by asking for its rows, cursor and labels,
and a screen turns each press into an :class:`Edit` of its own text.

Columns are counted in units: a letter is one unit wide, Space five. Moving up or down keeps the
column the player aimed at, so leaving ``k`` for the wide Delete key below and coming back up lands
on ``k`` again, not at the start of the row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from rokgame.game.input import Action, Nav, NavAction

COLUMNS = 11


class KeyKind(enum.Enum):
    CHAR = "char"
    SPACE = "space"
    DELETE = "delete"
    SHIFT = "shift"
    PAGE = "page"      # letters <-> symbols
    DONE = "done"


class Shift(enum.Enum):
    OFF = 0
    ONCE = 1     # the next letter only (a capital at the start of a word)
    LOCKED = 2   # caps lock: a second press, for the mixed case of a video id


@dataclass(frozen=True, slots=True)
class Key:
    kind: KeyKind
    text: str = ""   # the character a CHAR key types (lower case on the letters page)
    width: int = 1   # in columns


@dataclass(frozen=True, slots=True)
class Edit:
    """What one press does to the text being edited (the keyboard never holds that text)."""

    kind: Literal["type", "delete", "done", "close"]
    text: str = ""

    def apply(self, text: str) -> str:
        if self.kind == "type":
            return text + self.text
        if self.kind == "delete":
            return text[:-1]
        return text


def _chars(row: str) -> list[Key]:
    return [Key(KeyKind.CHAR, ch) for ch in row]


# The same bottom row on both pages, so the page key stays under the cursor when it is pressed.
_BOTTOM = [Key(KeyKind.PAGE, width=2), Key(KeyKind.SPACE, width=5), Key(KeyKind.DELETE, width=2),
           Key(KeyKind.DONE, width=2)]
#: Letters, digits, and what links and searches need most: - / : ' . _
LETTERS: tuple[tuple[Key, ...], ...] = tuple(tuple(row) for row in (
    _chars("1234567890-"),
    _chars("qwertyuiop/"),
    _chars("asdfghjkl:'"),
    [Key(KeyKind.SHIFT, width=2), *_chars("zxcvbnm._")],
    _BOTTOM,
))
#: The rest of a URL's punctuation (? = & # % +) and what else a title may hold.
SYMBOLS: tuple[tuple[Key, ...], ...] = tuple(tuple(row) for row in (
    _chars("1234567890-"),
    _chars("?=&#%+@!()/"),
    _chars(",;\"*~$[]<>'"),
    _chars("`\\^|{}€£:._"),
    _BOTTOM,
))
PAGES = (LETTERS, SYMBOLS)


class OnScreenKeyboard:
    """Cursor, page and shift state, and what a controller's press means."""

    def __init__(self, done_label: str = "Done") -> None:
        self.done_label = done_label
        self.shown = False
        self.page = 0
        self.shift = Shift.OFF
        self.row = 1
        self.column = 0   # the column the player aims at (kept while moving up and down)

    # -- showing

    def show(self) -> None:
        self.shown = True

    def hide(self) -> None:
        self.shown = False

    # -- the grid

    @property
    def rows(self) -> tuple[tuple[Key, ...], ...]:
        return PAGES[self.page]

    def key_at(self, row: int, column: int) -> tuple[int, Key]:
        """The key covering ``column`` in ``row``, with the column it starts at."""
        start = 0
        for key in self.rows[row]:
            if column < start + key.width:
                return start, key
            start += key.width
        last = self.rows[row][-1]
        return COLUMNS - last.width, last

    @property
    def selected(self) -> Key:
        return self.key_at(self.row, self.column)[1]

    def is_selected(self, row: int, start: int) -> bool:
        return row == self.row and self.key_at(self.row, self.column)[0] == start

    def label(self, key: Key) -> str:
        if key.kind is KeyKind.CHAR:
            return key.text.upper() if self.shift is not Shift.OFF else key.text
        return {
            KeyKind.SPACE: "Space",
            KeyKind.DELETE: "⌫ Delete",
            KeyKind.SHIFT: "⇪ Caps" if self.shift is Shift.LOCKED else "⇧ Shift",
            KeyKind.PAGE: "&?=" if self.page == 0 else "abc",
            KeyKind.DONE: self.done_label,
        }[key.kind]

    # -- moving

    def move(self, nav: Nav) -> None:
        rows = len(self.rows)
        if nav in (Nav.UP, Nav.DOWN):
            self.row = (self.row + (1 if nav is Nav.DOWN else -1)) % rows
            return
        start, key = self.key_at(self.row, self.column)
        if nav is Nav.RIGHT:
            self.column = start + key.width if start + key.width < COLUMNS else 0
        else:
            self.column = self.key_at(self.row, start - 1)[0] if start > 0 else self.key_at(self.row, COLUMNS - 1)[0]

    def move_to(self, key: Key) -> bool:
        """Put the cursor on ``key`` if this page has it (tests and screenshots)."""
        for r, row in enumerate(self.rows):
            start = 0
            for candidate in row:
                if candidate == key:
                    self.row, self.column = r, start
                    return True
                start += candidate.width
        return False

    # -- pressing

    def handle(self, action: Action) -> Edit | None:
        """One controller action while the keyboard is shown; Done and Close also hide it."""
        if not isinstance(action, NavAction):
            return None
        nav = action.nav
        if nav in (Nav.UP, Nav.DOWN, Nav.LEFT, Nav.RIGHT):
            self.move(nav)
            return None
        if action.repeat:
            return None
        if nav is Nav.CONFIRM:
            return self.press(self.selected)
        if nav is Nav.DELETE:
            return Edit("delete")
        if nav is Nav.SPACE:
            return Edit("type", " ")
        if nav is Nav.PAUSE and action.control != "key:escape":  # Start, as Enter on a keyboard
            self.hide()
            return Edit("done")
        if nav is Nav.BACK:
            self.hide()
            return Edit("close")
        return None

    def press(self, key: Key) -> Edit | None:
        kind = key.kind
        if kind is KeyKind.CHAR:
            text = self.label(key)
            if self.shift is Shift.ONCE and key.text.isalpha():
                self.shift = Shift.OFF
            return Edit("type", text)
        if kind is KeyKind.SPACE:
            return Edit("type", " ")
        if kind is KeyKind.DELETE:
            return Edit("delete")
        if kind is KeyKind.SHIFT:
            self.shift = Shift((self.shift.value + 1) % len(Shift))
            return None
        if kind is KeyKind.PAGE:
            self.page = 1 - self.page
            return None
        self.hide()
        return Edit("done")
