"""The body map draws every area of both views where its shape says, filled when ticked."""

import re

from django.template.loader import render_to_string

from intake.templatetags.intake_panels import BODY_MAP_SHAPES, body_map

RECT = re.compile(r'<rect class="map-region( is-selected)?" data-value="(\w+)" x="(\d+)" y="(\d+)"')


def drawn(selected: list[str]) -> list[tuple[bool, str, int, int]]:
    html = render_to_string("intake/_body_map.html", body_map(selected))
    return [(bool(filled), value, int(x), int(y)) for filled, value, x, y in RECT.findall(html)]


def test_each_area_is_drawn_once_per_view_at_its_place():
    expected = [(False, s["value"], s["x"], s["y"]) for s in BODY_MAP_SHAPES]
    assert drawn([]) == expected
    hips = [area for area in expected if area[1] == "left_hip"]
    assert len(hips) == 2 and hips[0][2] != hips[1][2]  # the back view and the front view


def test_a_ticked_area_is_filled_in_both_views_and_named_once_for_screen_readers():
    areas = drawn(["left_hip", "low_back"])
    filled = [value for is_filled, value, _, _ in areas if is_filled]
    assert filled == ["low_back", "left_hip", "left_hip"]
    html = render_to_string("intake/_body_map.html", body_map(["left_hip"]))
    assert 'aria-label="Body map, back and front: Left side of the hip"' in html
