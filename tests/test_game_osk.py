"""A controller alone types on Add track and song select: the on-screen keyboard (PNGs in tests/artifacts/).

Controller presses go through the game's event queue as a gamepad sends them (CONTROLLERBUTTONDOWN),
so the input layer's names (``pad:x`` -> Delete, ``pad:y`` -> Space) are part of what is tested.
"""

from __future__ import annotations

import pygame
import pytest
from test_game_screens import SIZES, listed, shoot

from rokgame.game.app import App
from rokgame.game.input import Nav, NavAction
from rokgame.game.onscreen_keyboard import (
    COLUMNS,
    LETTERS,
    PAGES,
    SYMBOLS,
    Key,
    KeyKind,
    OnScreenKeyboard,
)

A, B, X, Y = (pygame.CONTROLLER_BUTTON_A, pygame.CONTROLLER_BUTTON_B, pygame.CONTROLLER_BUTTON_X,
              pygame.CONTROLLER_BUTTON_Y)
START = pygame.CONTROLLER_BUTTON_START
UP, DOWN = pygame.CONTROLLER_BUTTON_DPAD_UP, pygame.CONTROLLER_BUTTON_DPAD_DOWN
LEFT, RIGHT = pygame.CONTROLLER_BUTTON_DPAD_LEFT, pygame.CONTROLLER_BUTTON_DPAD_RIGHT


def pad(app: App, button: int) -> None:
    """One press and release of a gamepad button, through the event queue, then a frame."""
    pygame.event.post(pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, instance_id=0, button=button))
    pygame.event.post(pygame.event.Event(pygame.CONTROLLERBUTTONUP, instance_id=0, button=button))
    app.frame(1 / 60)


def key(app: App, code: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, scancode=0, unicode=""))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=0, scancode=0, unicode=""))
    app.frame(1 / 60)


def typed(app: App, text: str) -> None:
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.frame(1 / 60)


def where(keyboard: OnScreenKeyboard, target: Key) -> tuple[int, int]:
    """Row and first column of ``target`` on the keyboard's current page."""
    for r, row in enumerate(keyboard.rows):
        start = 0
        for candidate in row:
            if candidate == target:
                return r, start
            start += candidate.width
    raise AssertionError(f"{target} is not on this page")


def steer(app: App, keyboard: OnScreenKeyboard, target: Key) -> None:
    """Walk the cursor to ``target`` with the d-pad, as a player would, watching where it is."""
    for _ in range(COLUMNS + len(keyboard.rows) + 2):
        if keyboard.selected == target:
            return
        row, column = where(keyboard, target)
        if keyboard.row != row:
            pad(app, DOWN if row > keyboard.row else UP)
        else:
            pad(app, RIGHT if column > keyboard.key_at(keyboard.row, keyboard.column)[0] else LEFT)
    raise AssertionError(f"the d-pad never reached {target}")


def type_on_pad(app: App, keyboard: OnScreenKeyboard, text: str) -> None:
    for ch in text:
        steer(app, keyboard, Key(KeyKind.SPACE, width=5) if ch == " " else Key(KeyKind.CHAR, ch))
        pad(app, A)


# --------------------------------------------------------------------------- the keyboard itself


def test_every_row_fills_the_grid_and_both_pages_share_the_bottom_row():
    for page in PAGES:
        assert [sum(k.width for k in row) for row in page] == [COLUMNS] * len(page)
    assert LETTERS[-1] == SYMBOLS[-1]
    everything = {k.text for page in PAGES for row in page for k in row}
    assert set("abcdefghijklmnopqrstuvwxyz0123456789-./:_?=&'") <= everything  # links and searches


def test_the_cursor_wraps_around_every_edge_and_keeps_its_column_up_and_down():
    keyboard = OnScreenKeyboard()
    keyboard.move_to(Key(KeyKind.CHAR, "q"))
    keyboard.move(Nav.LEFT)
    assert keyboard.selected == Key(KeyKind.CHAR, "/")         # the left edge wraps to the row's end
    keyboard.move(Nav.RIGHT)
    assert keyboard.selected == Key(KeyKind.CHAR, "q")
    keyboard.move(Nav.UP)
    keyboard.move(Nav.UP)
    assert keyboard.selected.kind is KeyKind.PAGE              # the top wraps to the bottom row
    keyboard.move(Nav.DOWN)
    assert keyboard.selected == Key(KeyKind.CHAR, "1")
    keyboard.move_to(Key(KeyKind.CHAR, "k"))
    for _ in range(2):
        keyboard.move(Nav.DOWN)
    assert keyboard.selected.kind is KeyKind.DELETE           # k sits above the wide Delete key
    keyboard.move(Nav.UP)
    keyboard.move(Nav.UP)
    assert keyboard.selected == Key(KeyKind.CHAR, "k")         # and coming back lands on k, not on its row's start
    keyboard.move_to(Key(KeyKind.DONE, width=2))
    keyboard.move(Nav.RIGHT)
    assert keyboard.selected.kind is KeyKind.PAGE
    keyboard.move(Nav.LEFT)
    assert keyboard.selected.kind is KeyKind.DONE


def test_shift_types_one_capital_twice_locks_and_the_symbols_page_types_what_a_link_needs():
    keyboard = OnScreenKeyboard()
    text = ""

    def press(target: Key) -> None:
        nonlocal text
        assert keyboard.move_to(target)
        edit = keyboard.handle(NavAction(Nav.CONFIRM, "pad:a"))
        if edit is not None:
            text = edit.apply(text)

    shift, page = Key(KeyKind.SHIFT, width=2), Key(KeyKind.PAGE, width=2)
    for target in (shift, Key(KeyKind.CHAR, "d"), Key(KeyKind.CHAR, "q"), shift, shift, Key(KeyKind.CHAR, "w"),
                   Key(KeyKind.CHAR, "4"), shift, page, Key(KeyKind.CHAR, "?"), Key(KeyKind.CHAR, "="),
                   Key(KeyKind.CHAR, "&")):
        press(target)
    assert text == "DqW4?=&"
    assert keyboard.selected == Key(KeyKind.CHAR, "&")
    assert keyboard.move_to(page) and keyboard.label(page) == "abc"
    keyboard.handle(NavAction(Nav.CONFIRM, "pad:a"))
    assert keyboard.selected == page and keyboard.label(page) == "&?="  # the cursor stays on the page key


# --------------------------------------------------------------------------- the screens, by controller


def test_a_controller_alone_adds_a_track_by_search(app, offline_fetch):
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.loading import LoadingScene
    from rokgame.game.scenes.menu import MainMenuScene

    app.push(MainMenuScene(app))
    pad(app, DOWN)
    pad(app, DOWN)
    pad(app, A)                                 # Add track, chosen with a controller
    scene = app.top
    assert isinstance(scene, AddTrackScene) and scene.keyboard.shown, "the keyboard is ready to type on"
    type_on_pad(app, scene.keyboard, "abc -")   # letters, the Space key and a dash on the grid
    pad(app, Y)                                 # Y types a space
    type_on_pad(app, scene.keyboard, "dx")
    assert scene.box.text == "abc - dx"
    pad(app, X)                                 # X deletes a character
    assert scene.box.text == "abc - d"
    steer(app, scene.keyboard, Key(KeyKind.DONE, width=2))
    pad(app, A)
    assert offline_fetch == ["abc - d"], "Done adds exactly what was typed, as Enter does"
    assert isinstance(app.top, LoadingScene) and app.top.title == "abc - d"


def test_on_add_track_a_opens_the_keyboard_b_closes_it_and_a_second_b_leaves(app, offline_fetch):
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.base import Scene

    app.push(Scene(app))
    scene = app.push(AddTrackScene(app))
    assert not scene.keyboard.shown
    pad(app, A)                                 # the box is empty: A opens the keyboard, adds nothing
    assert scene.keyboard.shown and not offline_fetch and scene.message is None
    pad(app, B)
    assert not scene.keyboard.shown and app.top is scene
    pad(app, RIGHT)                             # any d-pad press on the box opens it too
    assert scene.keyboard.shown
    steer(app, scene.keyboard, Key(KeyKind.DONE, width=2))
    pad(app, A)                                 # Done with nothing typed says so and keeps the keyboard
    assert scene.message and scene.keyboard.shown and not offline_fetch
    pad(app, B)
    pad(app, B)
    assert app.top is not scene


def test_start_on_the_keyboard_adds_the_track(app, offline_fetch):
    from rokgame.game.scenes.add_track import AddTrackScene

    scene = app.push(AddTrackScene(app, keyboard=True))
    type_on_pad(app, scene.keyboard, "k")
    pad(app, START)
    assert offline_fetch == ["k"]


def test_a_controller_searches_the_song_list_live_and_b_keeps_the_search(app):
    from rokgame.game.scenes.gameplay import GameplayScene
    from rokgame.game.scenes.song_select import SongSelectScene

    scene = listed(app, app.push(SongSelectScene(app)))
    everything = len(scene.visible)
    assert everything >= 3 and not scene.keyboard.shown
    pad(app, Y)                                 # Y: search
    assert scene.keyboard.shown
    type_on_pad(app, scene.keyboard, "n")
    assert scene.query == "n" and 1 <= len(scene.visible) < everything, "the list filters with every key"
    type_on_pad(app, scene.keyboard, "gx")
    assert scene.visible == []
    pad(app, X)
    type_on_pad(app, scene.keyboard, "r")
    assert scene.query == "ngr"
    for _ in range(3):
        pad(app, X)
    type_on_pad(app, scene.keyboard, "groove")
    assert [e.title for e in scene.visible] == ["Sunday Groove"]
    pad(app, B)                                 # closes the keyboard, the search stays
    assert not scene.keyboard.shown and scene.query == "groove" and app.top is scene
    pad(app, A)                                 # and the d-pad and A are the list's again
    assert isinstance(app.top, GameplayScene) and app.top.chart.song.title == "Sunday Groove"
    app.pop()
    listed(app, scene)
    pad(app, B)                                 # a second B clears the search, as today
    assert scene.query == "" and len(scene.visible) == everything and app.top is scene
    pad(app, B)
    assert app.top is not scene


# --------------------------------------------------------------------------- the keyboard player


def test_the_on_screen_keyboard_never_opens_for_keyboard_input(app, offline_fetch):
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.base import Scene
    from rokgame.game.scenes.menu import MainMenuScene
    from rokgame.game.scenes.song_select import SongSelectScene

    menu = app.push(MainMenuScene(app))
    for code in (pygame.K_DOWN, pygame.K_DOWN, pygame.K_RETURN):
        key(app, code)
    scene = app.top
    assert isinstance(scene, AddTrackScene)
    key(app, pygame.K_RETURN)                   # empty: a message, as before
    assert scene.message and not offline_fetch
    for code in (pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_x, pygame.K_y):
        key(app, code)
    typed(app, "abc - dx")
    key(app, pygame.K_BACKSPACE)
    assert scene.box.text == "abc - d" and not scene.keyboard.shown
    key(app, pygame.K_ESCAPE)
    assert app.top is menu

    app.push(Scene(app))
    songs = listed(app, app.push(SongSelectScene(app)))
    typed(app, "groove ")
    for code in (pygame.K_UP, pygame.K_DOWN, pygame.K_y, pygame.K_BACKSPACE):
        key(app, code)
    assert songs.query == "groove" and not songs.keyboard.shown


def test_a_keyboard_hides_the_on_screen_one_and_works_as_always(app, offline_fetch):
    from rokgame.game.scenes.add_track import AddTrackScene

    scene = app.push(AddTrackScene(app, keyboard=True))
    typed(app, "neon drive")
    assert not scene.keyboard.shown and scene.box.text == "neon drive"
    key(app, pygame.K_RETURN)
    assert offline_fetch == ["neon drive"]


# --------------------------------------------------------------------------- how it looks


@pytest.mark.parametrize("size", SIZES)
def test_screens_with_the_keyboard_open_render(app, size):
    from rokgame.game.scenes.add_track import AddTrackScene
    from rokgame.game.scenes.song_select import SongSelectScene
    songs = listed(app, app.push(SongSelectScene(app)))
    songs.handle(NavAction(Nav.SPACE, "pad:y"))
    songs.query = "gro"
    songs._filter(None)
    songs.keyboard.move_to(Key(KeyKind.CHAR, "o"))
    shoot(app, "song-select-keyboard", size)
    app.pop()
    add = app.push(AddTrackScene(app, "daft punk - one more t", keyboard=True))
    add.keyboard.move_to(Key(KeyKind.SHIFT, width=2))
    add.keyboard.handle(NavAction(Nav.CONFIRM, "pad:a"))  # Shift lit, capitals on the keys
    add.keyboard.move_to(Key(KeyKind.CHAR, "i"))
    shoot(app, "add-track-keyboard", size)
