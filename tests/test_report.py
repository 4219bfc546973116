"""The site-check report: HTML, PDF, GeoJSON and 界址点 export of real screens.

The ScreenResults come from running the engine on the bundled layers: a site
in the core zone of the Qinghai Lake reserve (FAIL), a site straddling the
Huangshui wetland park (partial red-line overlap, buildable remainder) and a
site inside the Nanchuan base (lithium carbonate).
"""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
from datetime import date

import pytest
import shapely

from geo.bundle import BUNDLE_PATH
from geo.checks import Project, check_ids
from geo.source_text import source_text
from geo.geodesy import area_ha
from geo.checks.verdict import suitability_text
from geo.i18n import t
from geo.jzd import read_jzd
from geo.report import (report_geojson, report_html, report_model, report_pdf, site_jzd,
                        site_vertices)
from geo.screen import screen_site

pytestmark = pytest.mark.skipif(not BUNDLE_PATH.exists(), reason="bundled data not built")

DAY = date(2026, 3, 15)


def box(lon: float, lat: float, d: float = 0.01) -> shapely.Polygon:
    """A small lon/lat rectangle (about 1.8 x 1.8 km at 36.5°N for d = 0.01)."""
    return shapely.box(lon - d, lat - 0.8 * d, lon + d, lat + 0.8 * d)


@pytest.fixture(scope="module")
def layers():
    from geo.layers_index import ScreeningLayers

    return ScreeningLayers.from_bundle()


@pytest.fixture(scope="module")
def fail_result(layers):
    """Centre of the Qinghai Lake national nature reserve (core zone)."""
    return screen_site(box(100.2, 36.88), Project(product="碳酸锂", investment_wan=80000), layers)


@pytest.fixture(scope="module")
def partial_result(layers):
    """Straddles the Huangshui wetland park: part red line, part buildable."""
    return screen_site(box(101.715, 36.637), Project(product="碳酸锂", year=2026), layers)


@pytest.fixture(scope="module")
def base_result(layers):
    """Inside the Nanchuan base, a lithium product its chains name."""
    site = box(101.735, 36.565, 0.004)
    return screen_site(site, Project(product="碳酸锂", area_ha=20.0, investment_wan=150000,
                                     year=2026), layers)


def _first_block(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return body.split("</header>", 1)[0]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


# ------------------------------------------------------------------ engine fixtures
def test_fixtures_are_the_intended_cases(fail_result, partial_result, base_result):
    assert fail_result.overall == "FAIL"
    assert fail_result.result("redline").status == "FAIL"
    assert fail_result.result("redline").metrics["overlap_share"] == pytest.approx(1.0)
    red = partial_result.result("redline")
    assert red.status == "FAIL" and 0 < red.metrics["overlap_share"] < 1
    assert 0 < partial_result.buildable_ha < partial_result.area_ha
    assert base_result.result("base").metrics["base_id"] == "nanchuan"
    assert base_result.result("redline").status == "WARN"  # no overlap with an indicative, partial layer
    assert base_result.result("redline").message_key == "chk.redline.warn_incomplete"
    assert fail_result.indicative_layers  # the bundled layers are indicative


# ------------------------------------------------------------------ HTML
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_first_lines_carry_verdict_date_and_indicative_warning(fail_result, lang):
    html = report_html(fail_result, fail_result.project, lang=lang, generated_at=DAY)
    first = _first_block(html)
    lines = [ln for ln in _text(first).splitlines() if ln.strip()]
    assert t("status.FAIL", lang) in lines[0] and "FAIL" in lines[0]
    assert t("verdict.compliance", lang) in lines[0]  # the binding answer first
    suit = fail_result.suitability
    assert f"{suit.score:.2f}" in lines[1] and t(f"suit.band.{suit.band}", lang) in lines[1]
    assert "2026-03-15" in lines[2] and ("北京时间" if lang == "zh" else "Beijing time") in lines[2]
    assert ("示意数据" if lang == "zh" else "indicative data") in lines[3]
    assert ("不得作为法定" if lang == "zh" else "must not be filed as a legal finding") in lines[3]
    assert 'class="verdict status s-FAIL"' in first
    assert "#c62828" in html  # the FAIL colour
    # the verdict comes before anything else in the body
    body = html.split("<body>", 1)[1]
    assert body.index("2026-03-15") < body.index("<h1>")


def test_html_without_indicative_layers_has_no_warning(base_result):
    res = copy.copy(base_result)
    res.indicative_layers = []
    html = report_html(res, lang="en", generated_at=DAY)
    assert "indicative data" not in _first_block(html)


def test_html_has_every_check_with_rule_basis_and_data_source(partial_result):
    html = report_html(partial_result, lang="zh", generated_at=DAY)
    for res in partial_result.results:
        m = re.search(rf'<section class="check" id="check-{res.check}".*?</section>', html, re.S)
        assert m, res.check
        sec = m.group(0)
        assert t(f"check.{res.check}", "zh") in sec
        rule_text = t(res.rule["key"], "zh")
        assert _esc(rule_text) in sec
        if res.rule.get("basis"):
            assert _esc(res.rule["basis"]) in sec
        for d in res.data_used:  # the note in Chinese, policy texts by title, never "seed 001"
            assert _esc(source_text(str(d["source"]), "zh")) in sec
            assert "seed 0" not in sec and "publicly described" not in sec
            assert _esc(str(d["source_date"])) in sec
    assert len(re.findall(r'<section class="check"', html)) == len(check_ids())


def _esc(s: str) -> str:
    from markupsafe import escape  # what jinja2's autoescape does

    return str(escape(s))


def test_html_site_project_and_figures(partial_result, base_result):
    html = report_html(base_result, lang="zh", site_name="南川锂盐项目", generated_at=DAY)
    zone, verts = site_vertices(base_result.site)
    assert zone == 34 and len(verts) == 4
    for v in verts:  # Gauss-Krüger X (northing) / Y (easting, zone-prefixed) of every vertex
        assert f"{v['x_north']:.3f}" in html and f"{v['y_east']:.3f}" in html
        assert str(v["y_east"]).startswith("34")
    assert "EPSG:4522" in html and "第 34 带" in html
    assert f"{base_result.area_ha:,.4f}" in html
    c = base_result.site.centroid
    assert f"{c.x:.6f}, {c.y:.6f}" in html
    assert "南川锂盐项目" in html and "碳酸锂" in html and "150,000.00" in html
    assert "20.0000" in html and ">2026<" in html
    assert "西宁南川工业园区" in html  # base containment
    quota = base_result.result("quota")
    assert f"{quota.metrics['remaining_ha']:,.2f}" in html
    # partial overlap: ha and %, rings, buildable area
    html = report_html(partial_result, lang="en", generated_at=DAY)
    red = partial_result.result("redline")
    assert f"{red.metrics['overlap_ha']:,.2f}" in html
    assert f"{100 * red.metrics['overlap_share']:.1f}%" in html
    assert "Overlap (ha)" in html and "Distance to the nearest (m)" in html  # with units
    assert "Xining Huangshui National Wetland Park" in html
    assert f"{partial_result.buildable_ha:,.2f} ha" in html


def test_html_sketch_draws_site_overlap_and_buildable(partial_result):
    html = report_html(partial_result, lang="zh", generated_at=DAY)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    for kind in ("site", "redline", "buildable"):
        assert f'<path class="{kind}" d="M' in svg
    model = report_model(partial_result, "zh")
    for layer in model["sketch"]["layers"]:  # everything inside the viewBox
        for ring in layer["rings"]:
            for x, y in ring:
                assert 0 <= x <= model["sketch"]["width"] and 0 <= y <= model["sketch"]["height"]
    # proportions: the site box is ~1786 m wide and ~1779 m tall, drawn nearly square
    site = next(lay for lay in model["sketch"]["layers"] if lay["kind"] == "site")
    xs = [p[0] for p in site["rings"][0]]
    ys = [p[1] for p in site["rings"][0]]
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) == pytest.approx(1.0, abs=0.02)


def test_html_escapes_data_values(partial_result):
    res = copy.deepcopy(partial_result)
    evil = '<script>alert("x")</script>'
    red = res.result("redline")
    red.evidence[0]["name_zh"] = evil
    red.evidence[0]["legal_basis"] = evil
    red.data_used[0]["source"] = evil
    res.project.product = evil
    for lang in ("zh", "en"):
        html = report_html(res, lang=lang, site_name=evil, generated_at=DAY)
        assert "<script" not in html.lower()
        assert "&lt;script&gt;" in html
    pdf = report_pdf(res, lang="zh", site_name=evil, generated_at=DAY)  # markup-safe too
    assert pdf.startswith(b"%PDF")


def test_html_fetches_nothing(partial_result, fail_result):
    for res in (partial_result, fail_result):
        for lang in ("zh", "en"):
            html = report_html(res, lang=lang, generated_at=DAY)
            assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
            assert not re.search(r"\b(src|href)\s*=", html, re.I)
            assert "@import" not in html and "url(" not in html
            assert "<script" not in html.lower() and "<link" not in html.lower()
            assert "@media print" in html


# ------------------------------------------------------------------ PDF
def _pdftotext(pdf: bytes, tmp_path) -> str | None:
    exe = shutil.which("pdftotext")
    if not exe:
        return None
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_is_a_pdf_with_verdict_and_indicative_warning_first(fail_result, tmp_path, lang):
    pdf = report_pdf(fail_result, fail_result.project, lang=lang, generated_at=DAY)
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/Type\s*/Page\b", pdf)  # at least one page object
    text = _pdftotext(pdf, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert "FAIL" in lines[0] and t("status.FAIL", lang) in lines[0]  # compliance first
    head = " ".join(lines[:4])
    score = suitability_text(fail_result.suitability, lang)
    assert re.sub(r"\s+", "", score)[:12] in re.sub(r"\s+", "", head)  # suitability beside it
    assert "2026-03-15" in head  # the date (Beijing time) in the heading block
    assert ("示意" if lang == "zh" else "indicative") in " ".join(lines[:6])
    flat = re.sub(r"\s+", "", text)
    for check in check_ids():  # every section title
        assert re.sub(r"\s+", "", t(f"check.{check}", lang)) in flat
    if lang == "zh":
        assert "青海湖国家级自然保护区" in flat
    assert "\ufffd" not in text


def test_pdf_has_pages_and_sources(partial_result, tmp_path):
    pdf = report_pdf(partial_result, lang="zh", site_name="湟水示例", generated_at=DAY)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    exe = shutil.which("pdfinfo")
    if exe:
        path = tmp_path / "p.pdf"
        path.write_bytes(pdf)
        info = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages >= 1
        assert "A4" in info or "595" in info
    text = _pdftotext(pdf, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    flat = re.sub(r"\s+", "", text)
    assert "湟水示例" in flat and "西宁湟水国家湿地公园" in flat
    assert re.sub(r"\s+", "", partial_result.result("redline").rule["basis"]) in flat


# ------------------------------------------------------------------ GeoJSON
def test_geojson_site_overlaps_and_buildable(partial_result, fail_result):
    fc = report_geojson(partial_result, lang="en", site_name="demo")
    assert fc["type"] == "FeatureCollection"
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds.count("site") == 1 and "redline_overlap" in kinds and "buildable" in kinds
    for f in fc["features"]:
        p = f["properties"]
        assert {"kind", "name", "area_ha", "status"} <= set(p)
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.is_valid and -180 <= geom.bounds[0] <= 180  # lon first
        assert 30 < geom.centroid.y < 40 and 89 < geom.centroid.x < 104  # (lon, lat) order
        assert area_ha(geom) == pytest.approx(p["area_ha"], rel=1e-9, abs=1e-9)
    site = next(f for f in fc["features"] if f["properties"]["kind"] == "site")
    assert site["properties"]["area_ha"] == pytest.approx(partial_result.area_ha)
    assert site["properties"]["status"] == "FAIL" and site["properties"]["name"] == "demo"
    red = [f for f in fc["features"] if f["properties"]["kind"] == "redline_overlap"]
    assert sum(f["properties"]["area_ha"] for f in red) == pytest.approx(
        partial_result.result("redline").metrics["overlap_ha"])
    assert red[0]["properties"]["name"] == "Xining Huangshui National Wetland Park"
    assert red[0]["properties"]["status"] == "FAIL"
    build = next(f for f in fc["features"] if f["properties"]["kind"] == "buildable")
    assert build["properties"]["area_ha"] == pytest.approx(partial_result.buildable_ha)
    # whole site in the reserve: overlap equals the site, nothing buildable drawn
    fc = report_geojson(fail_result)
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert "redline_overlap" in kinds and "buildable" not in kinds
    import json

    json.dumps(fc)  # serialisable


def test_geojson_mineral_overlap(layers):
    # the Xitieshan lead-zinc deposit (not strategic): its 1 km circle cut by the site
    res = screen_site(box(95.56, 37.345, 0.01), Project(product="铅锌"), layers)
    fc = report_geojson(res, lang="zh")
    mins = [f for f in fc["features"] if f["properties"]["kind"] == "minerals_overlap"]
    assert mins and res.result("minerals").status in ("WARN", "FAIL")
    assert sum(f["properties"]["area_ha"] for f in mins) == pytest.approx(
        res.result("minerals").metrics["overlap_ha"], rel=1e-6)
    assert mins[0]["properties"]["name"] == "锡铁山铅锌矿"


# ------------------------------------------------------------------ 界址点
@pytest.mark.parametrize("prefixed", [True, False])
def test_jzd_round_trip(partial_result, prefixed):
    text = site_jzd(partial_result, prefixed=prefixed, name="湟水示例")
    assert "带号=34" in text and "湟水示例" in text
    parcels = read_jzd(text) if prefixed else read_jzd(text, zone=34)
    assert len(parcels) == 1
    got, want = parcels[0].geometry, partial_result.site
    assert parcels[0].zone == 34 and parcels[0].prefixed is prefixed
    # same polygon within 1 mm: Hausdorff distance in degrees, ~1.1e5 m per degree
    assert shapely.hausdorff_distance(got, want) * 1.2e5 < 1e-3
    assert parcels[0].area_ha == pytest.approx(partial_result.area_ha, rel=1e-7)
    assert float(parcels[0].attrs["area_ha"]) == pytest.approx(partial_result.area_ha, abs=1e-4)


def test_jzd_chosen_zone_and_geometry_input(partial_result):
    text = site_jzd(partial_result.site, zone=33)
    parcel = read_jzd(text)[0]
    assert parcel.zone == 33
    assert all(str(int(p[3])).startswith("33") for p in parcel.points)
    assert shapely.hausdorff_distance(parcel.geometry, partial_result.site) * 1.2e5 < 1e-3
    poly = shapely.Polygon([(101.70, 36.62), (101.73, 36.62), (101.73, 36.65), (101.70, 36.65)],
                           [[(101.71, 36.63), (101.72, 36.63), (101.72, 36.64), (101.71, 36.64)]])
    parcel = read_jzd(site_jzd(poly))[0]
    assert parcel.geometry.equals_exact(poly, 1e-8) or \
        shapely.hausdorff_distance(parcel.geometry, poly) * 1.2e5 < 1e-3
    assert parcel.area_ha == pytest.approx(area_ha(poly), rel=1e-7)
    assert len(parcel.geometry.interiors) == 1


# ------------------------------------------------------------------ location map
def _locmap(html: str) -> str:
    m = re.search(r'<svg class="locmap".*?</svg>', html, re.S)
    assert m, "no location map"
    return m.group(0)


def _paths(svg: str, cls: str) -> list[dict]:
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', p))
            for p in re.findall(rf'<path class="{cls}"[^>]*/>', svg)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_location_map_in_html_with_province_base_redline_and_site(base_result, layers, lang):
    from geo import palette

    html = report_html(base_result, lang=lang, generated_at=DAY, layers=layers)
    svg = _locmap(html)
    site = _paths(svg, "loc-site")
    assert len(site) == 1 and site[0]["d"].startswith("M") and site[0]["fill"] == palette.SITE
    assert _paths(svg, "inset-province")[0]["d"].startswith("M")  # where in the province
    bases = _paths(svg, "loc-base")
    assert bases and {b["stroke"] for b in bases} <= set(palette.TIER.values())
    red = _paths(svg, "loc-redline")
    assert red and red[0]["stroke"] == palette.REDLINE["outline"]
    assert _paths(svg, "loc-prefecture")
    names = re.findall(r'<text class="loc-label"[^>]*>([^<]*)</text>', svg)
    base_name = layers.bases.get(int(layers.bases.intersecting(base_result.site)[0]),
                                 f"name_{lang}")
    assert base_name in names  # the base the site is in, named
    assert ("西宁湟水国家湿地公园" if lang == "zh" else "Xining Huangshui National Wetland Park") in names
    assert 'class="north-arrow"' in svg and " km<" in svg  # north arrow and scale bar
    caption = re.search(r'<figure class="location".*?</figure>', html, re.S).group(0)
    for key in ("layer.bases", "layer.redlines", "layer.admin_prefecture", "rpt.sketch_site",
                "rpt.loc.title"):
        assert _esc(t(key, lang)) in caption
    # a site near the province border draws the province outline itself
    near_border = screen_site(box(102.75, 36.3, 0.004), Project(product="碳酸锂"), layers)
    svg = _locmap(report_html(near_border, lang=lang, layers=layers))
    assert _paths(svg, "loc-province")[0]["d"].startswith("M")
    assert _esc(t("layer.admin_province", lang)) in report_html(near_border, lang=lang,
                                                                 layers=layers)


def test_location_map_draws_imported_control_layer_and_bounds_a_20000_polygon_layer(
        base_result, layers):
    from bench.stress_data import farmland
    from geo import palette
    from geo.location_map import MAX_FEATURES

    c = base_result.site.centroid
    farm = farmland(centre=(c.x, c.y), spacing_m=980.0)
    assert len(farm) >= 20_000
    heavy = layers.replace("farmland", farm)
    plain = report_model(base_result, "zh", layers=layers)["location"]
    model = report_model(base_result, "zh", layers=heavy)["location"]
    drawn = [lay for lay in model["layers"] if lay["kind"] == "farmland"]
    assert len(drawn) == 1 and 0 < drawn[0]["features"] <= MAX_FEATURES
    assert 0 < len(drawn[0]["rings"]) <= MAX_FEATURES  # star patches: one ring each
    assert drawn[0]["fill"] == palette.CONTROL["farmland"]
    assert any(e["label"] == t("layer.farmland", "zh") for e in model["legend"])
    assert "永久基本农田" in model["note"] and str(MAX_FEATURES) in model["note"]  # says it capped
    assert model["vertices"] < 20_000  # a bounded payload, whatever the layer holds
    for lay in model["layers"]:  # everything clipped to the figure
        for ring in lay["rings"]:
            for x, y in ring:
                assert -1 <= x <= model["width"] + 1 and -1 <= y <= model["height"] + 1
    html = report_html(base_result, lang="en", layers=heavy)
    assert len(html) < len(report_html(base_result, lang="en", layers=layers)) + 200_000
    assert _paths(_locmap(html), "loc-farmland")
    assert plain["vertices"] < model["vertices"]


def _pdf_streams(pdf: bytes) -> bytes:
    """The decompressed content streams of a reportlab PDF (ASCII85 + Flate)."""
    import base64
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = m.group(1).strip()
        data = data[:-2] if data.endswith(b"~>") else data
        try:
            out.append(zlib.decompress(base64.a85decode(data)))
        except ValueError:
            continue
    return b"\n".join(out)


def test_location_map_in_pdf(base_result, layers, tmp_path):
    from geo.location_map import location_drawing
    from reportlab.graphics.shapes import Group, String

    pdf = report_pdf(base_result, lang="en", generated_at=DAY, layers=layers)
    text = _pdf_streams(pdf)
    for key in ("rpt.loc.title", "layer.bases", "layer.redlines", "rpt.sketch_site"):
        assert t(key, "en").encode() in text
    assert b"Xining Nanchuan Industrial Park" in text
    model = report_model(base_result, "zh", layers=layers)["location"]
    drawing = location_drawing(model, 400, "STSong-Light")

    def strings(node):
        for item in getattr(node, "contents", []):
            if isinstance(item, String):
                yield item.text
            elif isinstance(item, Group):
                yield from strings(item)

    assert "西宁南川工业园区" in set(strings(drawing)) and "N" in set(strings(drawing))
    zh = report_pdf(base_result, lang="zh", generated_at=DAY, layers=layers)
    flat = _pdftotext(zh, tmp_path)
    if flat is not None:
        flat = re.sub(r"\s+", "", flat)
        for key in ("rpt.loc.title", "layer.bases", "layer.redlines"):
            assert t(key, "zh") in flat


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_without_layers_says_the_location_map_needs_them(base_result, lang, tmp_path):
    html = report_html(base_result, lang=lang, generated_at=DAY)
    assert '<svg class="locmap"' not in html
    assert _esc(t("rpt.loc.needs_layers", lang)) in html
    pdf = report_pdf(base_result, lang=lang, generated_at=DAY)
    assert pdf.startswith(b"%PDF")
    if lang == "en":
        assert t("rpt.loc.needs_layers", "en").split(":")[0].encode() in _pdf_streams(pdf)


def test_location_map_with_empty_layers_still_marks_the_site(base_result):
    from geo.layers_index import ScreeningLayers

    lm = report_model(base_result, "en", layers=ScreeningLayers.from_frames())["location"]
    assert [lay["kind"] for lay in lm["layers"]] == ["site"]
    assert [e["label"] for e in lm["legend"]] == [t("rpt.sketch_site", "en")]
    assert lm["bar_px"] > 0 and lm["inset"] is not None
    html = report_html(base_result, lang="en", layers=ScreeningLayers.from_frames())
    assert _paths(_locmap(html), "loc-site")


# ------------------------------------------------------------------ minerals figures
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_minerals_figures_pair_the_deposit_and_the_salt_lake_with_their_own_figures(layers, lang):
    """A site inside 察尔汗盐湖, 12.6 km from 察尔汗钾盐矿: the nearest deposit is named with its
    own distance, the salt lake with the area inside it (not the deposit beside a 0 m)."""
    from pyproj import Geod

    site = shapely.Polygon([(94.89693, 36.79754), (94.90307, 36.79754), (94.90307, 36.80246),
                            (94.89693, 36.80246)])
    res = screen_site(site, Project(product="钾肥"), layers).result("minerals")
    m = res.metrics
    c = site.centroid
    far = Geod(ellps="WGS84").inv(c.x, c.y, 95.00, 36.88)[2]
    assert m["nearest_name_zh"] == "察尔汗钾盐矿"
    assert m["nearest_deposit_m"] == pytest.approx(far, abs=400)  # the deposit's own distance
    assert m["salt_lake_name_zh"] == "察尔汗盐湖"
    assert m["salt_lake_overlap_ha"] == pytest.approx(area_ha(site), rel=1e-3)
    html = report_html(screen_site(site, Project(product="钾肥"), layers), lang=lang,
                       generated_at=DAY)
    text = _text(html)
    deposit_row = f"{t('col.distance_nearest_deposit', lang)}（{t('unit.m', lang)}）" \
        if lang == "zh" else f"{t('col.distance_nearest_deposit', lang)} ({t('unit.m', lang)})"
    assert deposit_row in html and f"{m['nearest_deposit_m']:,.0f}" in html
    lake = "察尔汗盐湖" if lang == "zh" else m["salt_lake_name_en"]
    assert lake in text and t("col.salt_lakes_overlapped", lang) in html
    assert f"{m['salt_lake_overlap_ha']:,.2f}" in text
    assert res.status == "WARN"  # the verdict stays: a query/assessment is needed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chain_adjacency_does_not_call_a_far_partner_nearby(layers, lang):
    """A cathode plant in 南川: its smelting partner is only at Golmud, ~600 km away."""
    res = screen_site(box(101.735, 36.565, 0.003), Project(product="正极材料"), layers)
    chain = res.result("chain")
    assert chain.status == "WARN" and len(chain.metrics["far"]) == 1
    golmud = [e for e in chain.evidence if e["product_zh"] and not e["near"]]
    assert golmud and golmud[0]["geodesic_km"] > 500
    msg = chain.message(lang)
    assert t("chk.chain.far", lang, far="") in msg and golmud[0][f"host_{lang}"] in msg
    assert f"{golmud[0]['geodesic_km']:,.1f}" in msg
    assert t("chk.chain.reach", lang, n=chain.metrics["n_partners"], n_near=chain.metrics["n_near"],
             reach_km=chain.metrics["reach_km"]) in msg
    assert res.result("chain").status != "FAIL"  # advisory: a suitability note, never binding
    html = report_html(res, lang=lang, generated_at=DAY)
    assert golmud[0][f"host_{lang}"] in html
