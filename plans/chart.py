"""The trend chart of a course, drawn as SVG on the server: no script, no chart library.

Leg and back pain (NPRS 0-10, left axis) at each visit and ODI (%, right axis) at each
measure, from the baseline (x = 0) to the last planned visit, with the line the leg pain
must reach for a meaningful change and the review visit marked. The same drawing goes on
the course page and into the printed progress report; a text table beside it carries the
same numbers for screen readers (`chart_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from intake.core.instruments import score_odi

WIDTH, HEIGHT = 480, 250
LEFT, RIGHT, TOP, BOTTOM = 34, 44, 16, 40
LEG, BACK, ODI, MARK = "#b02a37", "#0a58ca", "#6f42c1", "#6c757d"


@dataclass(frozen=True)
class Series:
    planned_visits: int
    review_at_visit: int | None
    leg_baseline: float | None = None
    back_baseline: float | None = None
    odi_baseline: float | None = None
    leg: dict[int, float] = field(default_factory=dict)  # visit number -> NPRS before
    back: dict[int, float] = field(default_factory=dict)
    odi: dict[int, float] = field(default_factory=dict)  # visit number -> ODI %
    mic_nprs: float = 2


def _x(visit: float, last: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * visit / max(last, 1)


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _points(values: dict[int, float], baseline: float | None, last: int, top: float) -> str:
    pairs = ([(0, baseline)] if baseline is not None else []) + sorted(values.items())
    return " ".join(f"{_x(n, last):.1f},{_y(v, top):.1f}" for n, v in pairs)


def _line(values: dict[int, float], baseline: float | None, s: Series, top: float,
          colour: str, dash: str, name: str) -> list[str]:  # fmt: skip
    points = _points(values, baseline, s.planned_visits, top)
    if not points:
        return []
    out = [
        f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
        f'stroke-dasharray="{dash}" points="{points}"><title>{escape(name)}</title></polyline>'
    ]
    for pair in points.split():
        x, y = pair.split(",")
        out.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{colour}"/>')
    return out


def trend_svg(s: Series) -> str:
    """The chart as one `<svg>` element that scales to the width it is given."""
    last = s.planned_visits
    bottom = HEIGHT - BOTTOM
    out = [
        f'<svg class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="14">',
        '<title id="trend-title">Leg and back pain at each visit, and ODI at each measure</title>',
    ]
    for value in (0, 2, 4, 6, 8, 10):
        y = _y(value, 10)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
        )
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
        out.append(
            f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" fill="{ODI}">{value * 10}%</text>'
        )
    for n in range(0, last + 1):
        label = "base" if n == 0 else str(n)
        out.append(
            f'<text x="{_x(n, last):.1f}" y="{bottom + 16}" text-anchor="middle">{label}</text>'
        )
    out.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 4}" text-anchor="middle">visit</text>'
    )
    if s.review_at_visit:
        x = _x(s.review_at_visit, last)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{bottom}" stroke="{MARK}" '
            'stroke-dasharray="2 3"/>'
        )
        out.append(f'<text x="{x + 4:.1f}" y="{TOP + 10}" fill="{MARK}">review</text>')
    if s.leg_baseline is not None:
        target = max(s.leg_baseline - s.mic_nprs, 0)
        y = _y(target, 10)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LEG}" '
            'stroke-dasharray="1 4" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{WIDTH - RIGHT - 4}" y="{y - 4:.1f}" text-anchor="end" fill="{LEG}">'
            "meaningful (leg)</text>"
        )
    out += _line(s.leg, s.leg_baseline, s, 10, LEG, "none", "Leg pain")
    out += _line(s.back, s.back_baseline, s, 10, BACK, "6 4", "Back pain")
    out += _line(s.odi, s.odi_baseline, s, 100, ODI, "2 2", "ODI")
    out.append("</svg>")
    return "".join(out)


def chart_rows(s: Series) -> list[tuple[str, str, str, str]]:
    """The chart's numbers as table rows: (when, leg, back, ODI)."""

    def shown(value: float | None) -> str:
        return "–" if value is None else f"{value:g}"

    rows = [("Baseline", shown(s.leg_baseline), shown(s.back_baseline), shown(s.odi_baseline))]
    for n in sorted(set(s.leg) | set(s.back) | set(s.odi)):
        rows.append((f"Visit {n}", shown(s.leg.get(n)), shown(s.back.get(n)), shown(s.odi.get(n))))
    return rows


def series_from(
    case: dict[str, Any], assessment: dict[str, Any], mic_nprs: float = 2
) -> Series | None:
    """The chart's series from a case document with a `course` and its assessment."""
    course = case.get("course")
    if course is None:
        return None
    history = case.get("history", {})
    odi_score = assessment["scores"].get("odi")
    odi: dict[int, float] = {}
    for measure in course["measures"]:
        answers = measure.get("questionnaires", {}).get("odi")
        score = score_odi(answers) if answers else None
        if score is not None:
            odi[measure["at_visit"]] = round(float(score.percent), 1)
    return Series(
        planned_visits=max(course["planned_visits"], *(v["number"] for v in course["visits"]), 1),
        review_at_visit=course["review_at_visit"],
        leg_baseline=history.get("leg_pain_now"),
        back_baseline=history.get("back_pain_now"),
        odi_baseline=None if odi_score is None else odi_score["percent"],
        leg={v["number"]: v["leg_pain_before"] for v in course["visits"] if "leg_pain_before" in v},
        back={
            v["number"]: v["back_pain_before"] for v in course["visits"] if "back_pain_before" in v
        },
        odi=odi,
        mic_nprs=mic_nprs,
    )
