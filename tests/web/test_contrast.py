"""Text colours of the stylesheet against the backgrounds they are shown on: WCAG AA.

Every text colour in app.css must appear below with each background it sits on, so a
new colour cannot slip in unchecked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scheduler.plan_timeline import TIMELINE_CSS

# The app's stylesheet and the whole-plan timeline's (shared with the HTML report).
CSS = (Path(__file__).parents[2] / "scheduler" / "web" / "static" / "app.css").read_text()
CSS += TIMELINE_CSS

WHITE, PAGE, CODE = "#ffffff", "#f4f5f7", "#eef1f5"
# (text, background, where): every pairing the pages use.
TEXT_PAIRS = [
    ("#1a1a1a", WHITE, "body text in cards"),
    ("#1a1a1a", PAGE, "body text on the page"),
    ("#1a1a1a", CODE, "code"),
    ("#1a1a1a", "#dbe8f7", "timeline block"),
    ("#1a1a1a", "#dff3e4", "confirmed timeline block"),
    ("#0b4f9c", WHITE, "links in cards"),
    ("#0b4f9c", PAGE, "links on the page"),
    ("#555555", WHITE, "muted text, hour labels"),
    ("#555555", PAGE, "muted text in headings on the page"),
    ("#333333", WHITE, "stacked table labels"),
    ("#333333", PAGE, "stacked table labels (audit, on the page)"),
    ("#a4161a", WHITE, "error text, problem headings"),
    ("#a4161a", PAGE, "error text on the page"),
    ("#ffffff", "#17324d", "header"),
    ("#ffffff", "#0b4f9c", "buttons"),
    ("#ffffff", "#083b75", "buttons, hovered"),
    ("#ffffff", "#a4161a", "danger buttons"),
    ("#1e6b34", WHITE, "confirmed block border (as text colour)"),
    ("#0b3a73", "#dbe8f7", "proposed badge"),
    ("#14532d", "#dff3e4", "confirmed badge"),
    ("#7f1d1d", "#fde8e8", "pinned badge"),
    ("#333333", "#eceef1", "superseded, cancelled, failed badges"),
    ("#1a1a1a", "#fff7e6", "warning box text"),
    ("#0b4f9c", "#fff7e6", "links in a warning box"),
    ("#6b3a00", "#fff7e6", "warning box heading"),
    ("#555555", "#fff7e6", "muted text in a warning box"),
    ("#1a1a1a", "#f0faf3", "confirmed notice"),
    ("#1a1a1a", "#fde8e8", "pinned whole-plan block"),
    ("#333333", "#f3f4f6", "weekend day heading on the whole-plan timeline"),
    ("#555555", "#ffffff", "where a moved meeting was, on the whole-plan timeline"),
]
# Non-text: the focus ring must stand out 3:1 against what it is drawn on.
FOCUS = "#c25400"
FOCUS_ON = [WHITE, PAGE]
HEADER_FOCUS, HEADER = "#ffbf47", "#17324d"


def _full(hex_colour: str) -> str:
    h = hex_colour.lower().lstrip("#")
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)


def luminance(hex_colour: str) -> float:
    h = _full(hex_colour)[1:]
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("text", "background", "where"), TEXT_PAIRS)
def test_text_contrast_is_at_least_aa(text: str, background: str, where: str) -> None:
    assert contrast(text, background) >= 4.5, f"{where}: {text} on {background}"


@pytest.mark.parametrize("background", FOCUS_ON)
def test_focus_ring_stands_out(background: str) -> None:
    assert contrast(FOCUS, background) >= 3.0


def test_header_focus_ring_stands_out() -> None:
    assert contrast(HEADER_FOCUS, HEADER) >= 3.0
    assert ".top :focus-visible { outline-color: #ffbf47; }" in CSS


def test_every_text_colour_in_the_stylesheet_is_checked() -> None:
    used = {_full(c) for c in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})\b", CSS)}
    checked = {_full(t) for t, _, _ in TEXT_PAIRS}
    assert used <= checked, used - checked
    assert _full(FOCUS) in {_full(c) for c in re.findall(r"outline:[^;]*(#[0-9a-fA-F]{3,6})", CSS)}
