"""SVG charts: well-formed, free of inline styles and scripts, escaped, drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from icommit.core.charts import HIDDEN_FILL, PALETTE, Series, bar_chart, heat_map

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [("low", 50.0), ("middle", 75.0), ("high", None)]
NASTY = 'Purpose & goals <script>alert("x")</script>'


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 (our own output, parsed to inspect it)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]


def cells(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-cell"]


def num(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def tip(element: ET.Element) -> str:
    """The ``<title>`` tooltip inside an element (the whole chart's title for the root)."""
    title = element.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def sample_bar_chart(**kwargs: object) -> str:
    options: dict = {
        "title": "Team & sides",
        "categories": ["Purpose", "Trust", "Communication"],
        "series": [
            Series("Team", [80.0, 40.0, None]),
            Series("Security", [20.0, 100.0, 60.0]),
        ],
        "threshold_lines": (50, 75),
    }
    options.update(kwargs)
    return bar_chart(**options)


def sample_heat_map(**kwargs: object) -> str:
    options: dict = {
        "title": "Scores by group",
        "rows": ["Purpose", "Trust"],
        "columns": ["Team", "Security", "Non-security"],
        "values": [[40.0, None, 80.0], [60.0, 74.9, 75.0]],
        "bands": BANDS,
    }
    options.update(kwargs)
    return heat_map(**options)


@pytest.fixture(params=["bar_chart", "heat_map"])
def chart(request: pytest.FixtureRequest) -> str:
    return sample_bar_chart() if request.param == "bar_chart" else sample_heat_map()


# --- both charts -----------------------------------------------------------------------------


def test_chart_is_well_formed_svg(chart):
    root = parse(chart)
    assert root.tag == f"{SVG}svg"


def test_chart_has_no_inline_style_and_no_script(chart):
    root = parse(chart)
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert element.tag not in (f"{SVG}style", f"{SVG}script")
    assert "<style" not in chart
    assert "<script" not in chart


def test_chart_is_labelled_for_assistive_technology(chart):
    root = parse(chart)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_chart_scales_to_its_container(chart):
    root = parse(chart)
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert len(root.get("viewBox", "").split()) == 4


@pytest.mark.parametrize("render", [sample_bar_chart, sample_heat_map])
def test_labels_are_escaped(render):
    if render is sample_bar_chart:
        markup = render(title=NASTY, categories=[NASTY], series=[Series(NASTY, [50.0])])
    else:
        markup = render(title=NASTY, rows=[NASTY], columns=[NASTY], values=[[50.0]])
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "Purpose &amp; goals" in markup
    root = parse(markup)
    assert tip(root) == NASTY
    assert not list(root.iter(f"{SVG}script"))


@pytest.mark.parametrize("render", [sample_bar_chart, sample_heat_map])
def test_ids_differ_between_charts_and_can_be_given(render):
    def title_id(markup: str) -> str | None:
        title = parse(markup).find(f"{SVG}title")
        assert title is not None
        return title.get("id")

    assert title_id(render(title="One")) != title_id(render(title="Two"))
    assert title_id(render(chart_id="c1")) == "c1-title"


@pytest.mark.parametrize("render", [sample_bar_chart, sample_heat_map])
def test_long_labels_are_shown_whole_on_several_lines(render):
    long = "Information sharing and legal certainty across all Kooperationspartnerorganisationen"
    if render is sample_bar_chart:
        root = parse(render(categories=[long], series=[Series("Team", [50.0])]))
    else:
        root = parse(render(rows=[long], columns=[long], values=[[50.0]]))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    wrapped = [[s.text or "" for s in t.iter(f"{SVG}tspan")] for t in labels]
    whole = [w for w in wrapped if len(w) > 1]
    assert whole, wrapped
    for lines in whole:
        # every character is there: lines joined at spaces, or at a hyphen that split a word
        joined = "".join(line[:-1] if line.endswith("-") else line + " " for line in lines)
        assert joined.strip() == long
        assert all(len(line) <= 24 for line in lines) or render is sample_heat_map
    assert "…" not in "".join(root.itertext())


def test_a_wrapped_label_makes_its_group_taller_without_overlapping_the_next():
    root = parse(
        sample_bar_chart(
            categories=["A label long enough to need three lines of text here", "Next"],
            series=[Series("Team", [50.0, 60.0])],
        )
    )
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    first = [float(s.get("y", 0)) for s in labels[0].iter(f"{SVG}tspan")]
    second = [float(s.get("y", 0)) for s in labels[1].iter(f"{SVG}tspan")]
    assert len(first) == 3
    assert max(first) + 12 <= min(second)


# --- bar chart -------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_values():
    root = parse(sample_bar_chart())
    widths = {tip(b): num(b, "width") for b in bars(root) if "–" not in tip(b).rsplit(":", 1)[1]}
    full = widths["Trust – Security: 100.0"]
    assert full > 0
    assert widths["Purpose – Team: 80.0"] == pytest.approx(0.8 * full)
    assert widths["Purpose – Security: 20.0"] == pytest.approx(0.2 * full)
    assert widths["Trust – Team: 40.0"] == pytest.approx(0.4 * full)
    assert widths["Communication – Security: 60.0"] == pytest.approx(0.6 * full)


def test_bar_lengths_follow_max_value():
    root = parse(sample_bar_chart(series=[Series("Team", [5.0, 10.0, 2.5])], max_value=10))
    widths = [num(b, "width") for b in bars(root)]
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert widths[2] == pytest.approx(widths[1] / 4)


def test_values_outside_the_scale_are_clamped_but_printed():
    root = parse(sample_bar_chart(series=[Series("Change", [-5.0, 150.0, 50.0])]))
    widths = [num(b, "width") for b in bars(root)]
    assert widths[0] == 0
    assert widths[1] == pytest.approx(2 * widths[2])
    assert "150.0" in texts(root)


def test_missing_value_is_a_gap_with_a_dash():
    root = parse(sample_bar_chart())
    missing = [b for b in bars(root) if tip(b).endswith(": –")]
    assert len(missing) == 1
    assert num(missing[0], "width") == 0
    assert "–" in texts(root)


def test_values_are_printed_at_the_bar_ends():
    root = parse(sample_bar_chart())
    values = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert [t.text for t in values] == ["80.0", "20.0", "40.0", "100.0", "–", "60.0"]
    for bar, value in zip(bars(root), values, strict=True):
        assert num(value, "x") > num(bar, "x") + num(bar, "width")


def test_series_get_distinct_palette_colours_and_a_legend():
    root = parse(sample_bar_chart())
    fills = [b.get("fill") for b in bars(root)]
    assert fills[:2] == [PALETTE[0], PALETTE[1]]
    assert {"Team", "Security"} <= set(texts(root))


def test_threshold_lines_are_drawn_at_their_values():
    root = parse(sample_bar_chart())
    origin = num(bars(root)[0], "x")
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2
    xs = [num(line, "x1") - origin for line in dashed]
    assert xs[1] == pytest.approx(xs[0] * 75 / 50)


def test_numbers_follow_the_language_but_coordinates_do_not():
    with translation.override("de"):
        markup = sample_bar_chart(series=[Series("Team", [62.5, 40.0, 12.25])])
    root = parse(markup)
    assert "62,5" in texts(root)
    for element in root.iter():
        for name in ("x", "y", "width", "height"):
            assert "," not in element.get(name, ""), name


def test_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="values"):
        sample_bar_chart(series=[Series("Team", [1.0])])


# --- heat map --------------------------------------------------------------------------------


def test_heat_map_cell_fill_follows_the_band():
    root = parse(sample_heat_map())
    fill = {tip(c): c.get("fill") for c in cells(root)}
    low, middle, high = (
        fill["Purpose – Team: 40.0"],
        fill["Trust – Team: 60.0"],
        fill["Purpose – Non-security: 80.0"],
    )
    assert len({low, middle, high, HIDDEN_FILL}) == 4
    assert fill["Trust – Security: 74.9"] == middle
    assert fill["Trust – Non-security: 75.0"] == high
    assert fill["Purpose – Security: –"] == HIDDEN_FILL


def test_heat_map_writes_every_value_in_a_contrasting_colour():
    root = parse(sample_heat_map())
    values = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert [t.text for t in values] == ["40.0", "–", "80.0", "60.0", "74.9", "75.0"]
    for cell, text in zip(cells(root), values, strict=True):
        assert contrast(cell.attrib["fill"], text.attrib["fill"]) >= 4.5


def test_heat_map_legend_names_bands_and_hidden_cells():
    root = parse(sample_heat_map(band_labels={"low": "Needs attention"}))
    legend = texts(root)
    assert "Needs attention (< 50)" in legend
    assert "high (≥ 75)" in legend
    assert "not shown" in legend


def test_heat_map_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="one value per column"):
        sample_heat_map(values=[[1.0, 2.0], [3.0, 4.0]])


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
