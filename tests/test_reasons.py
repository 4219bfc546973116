"""A read error in Chinese says why in Chinese: a library's English sentence (GDAL, PROJ,
GEOS, zipfile, JSON) comes after the cause, marked as the original text."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from geo.errors import InputError
from geo.gk import Notice
from geo.i18n import error_text
from geo.reasons import OWN, reason_text
from geo.sandbox import SITE
from geo.vector_io import read_layers

CJK = re.compile(r"[\u4e00-\u9fff]")
SQUARE = json.dumps({"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[96, 36], [96.1, 36], [96.1, 36.1], [96, 36]]]}}]}).encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


BAD_FILES = {
    "a.geojson": b"{not json",
    "b.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'
                 b'{"type":"Polygon","coordinates":[[1,2]]}}]}',
    "c.geojson": SQUARE[: len(SQUARE) // 2],
    "d.kml": b"<kml><Document><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>1,2",
    "e.kml": b"\x00\x01garbage",
    "f.gpkg": b"SQLite format 3\x00" + b"\x00" * 200,
    "g.gpkg": b"garbage" * 100,
    "h.parquet": b"PAR1garbagePAR1",
    "i.zip": b"PK\x03\x04garbage",
    "j.zip": _zip({"x.shp": b"\x00\x00\x27\x0a" + b"\x00" * 96, "x.shx": b"\x00" * 100,
                   "x.dbf": b"\x03" + b"\x00" * 31}),
    "k.kmz": _zip({"doc.kml": b"<kml><bad"}),
    "l.geojson": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_says_why_in_chinese(name, tmp_path):
    with pytest.raises(InputError) as caught:
        read_layers(name, BAD_FILES[name], tmp_path, SITE)
    zh = error_text(caught.value, "zh")
    # the cause, in Chinese, before any original words of a library
    said = zh.split("原文：")[0]
    after_colon = said.split("：", 1)[-1]
    assert CJK.search(after_colon), zh
    if "原文：" not in zh:
        assert not re.search(r"[A-Za-z]{3,}", after_colon.replace(name, "")), zh
    en = error_text(caught.value, "en")
    assert not CJK.search(en.replace(name, "")), en


@pytest.mark.parametrize("raw", sorted(OWN))
def test_the_projects_own_reasons_are_translated_whole(raw):
    zh = reason_text(raw, "zh")
    assert CJK.search(zh) and "原文" not in zh
    assert not re.search(r"[A-Za-z]{4,}", zh.replace("features", "").replace("type", "")), zh


def test_a_repair_notice_names_the_fault_in_chinese():
    notice = Notice("site.warn.repaired", reason="Self-intersection[96.1 36.05]")
    assert "边界自相交（原文：Self-intersection[96.1 36.05]）" in notice.text("zh")
    assert "Self-intersection[96.1 36.05]" in notice.text("en")
    assert "边界自相交" not in notice.text("en")


def test_an_unknown_library_sentence_is_still_introduced_in_chinese():
    assert reason_text("Something odd happened", "zh") == "无法解析（原文：Something odd happened）"
    assert reason_text("Something odd happened", "en") == "Something odd happened"
