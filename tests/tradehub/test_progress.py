"""Long CLI jobs draw a progress bar with rate and time left on a terminal, and nothing
elsewhere."""

from __future__ import annotations

import io

from tradehub.progress import progress


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a user's shell is."""

    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_shows_position_percentage_rate_and_time_left():
    screen = Terminal()
    with progress(1000, "Importing companies.jsonl", stream=screen) as advance:
        for _ in range(4):
            advance(250)
    drawn = screen.getvalue()
    assert "Importing companies.jsonl" in drawn
    assert "1000/1000" in drawn
    assert "100%" in drawn
    assert "/s" in drawn  # the rate


def test_elsewhere_nothing_is_drawn():
    log = io.StringIO()
    with progress(1000, "Importing companies.jsonl", stream=log) as advance:
        advance(1000)
    assert log.getvalue() == ""
