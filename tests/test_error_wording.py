"""Error messages a person reads after a bad file, as the walk met them: the user's file name
(never the name the upload was written under), no temporary names or exception classes, no
sentence said twice, the field and value that are wrong."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.dem import import_dem
from geo.errors import QPAError
from geo.i18n import error_text
from geo.site_input import read_site_file, read_site_list


def _texts(call) -> tuple[str, str]:
    with pytest.raises(QPAError) as err:
        call()
    return error_text(err.value, "zh"), error_text(err.value, "en")


def test_a_broken_kml_names_the_users_file_only():
    zh, en = _texts(lambda: read_site_file("场址甲.kml", b"<kml><Document><Placemark><Polygon>x"))
    assert "场址甲.kml" in zh and "upload" not in zh and "upload" not in en
    assert "KML" in zh


def test_a_geometry_that_cannot_be_read_is_said_so_not_no_polygon():
    bad = (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
           b'"geometry":{"type":"Polygon","coordinates":[[[1,2],[3]]]}}]}')
    zh, en = _texts(lambda: read_site_file("bad.geojson", bad))
    assert "无法读取" in zh and "没有面要素" not in zh and "cannot be read" in en


@pytest.mark.parametrize("row, zh_part, en_part", [
    ("B,abc,36.5,10", "第 3 行的 lon 不是数字：“abc”", "line 3: lon 'abc' is not a number"),
    ("B,200,36.5,10", "第 3 行的 lon 超出范围：200", "line 3: lon 200 is out of range")])
def test_a_bad_csv_value_names_line_field_and_value_once(row, zh_part, en_part):
    data = f"site_id,lon,lat,area_ha\nA,101.7,36.5,10\n{row}\n".encode()
    zh, en = _texts(lambda: read_site_list("sites.csv", data))
    assert zh_part in zh and en_part in en
    assert zh.count("sites.csv") == 1 and en.count("sites.csv") == 1  # not said twice


def test_a_file_that_is_not_a_tiff_says_so_without_internal_names(tmp_path: Path):
    zh, en = _texts(lambda: import_dem(b"not a tiff " * 20, tmp_path / "x.tif"))
    for text in (zh, en):
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}|vsimem|RasterioIOError|Error:", text), text
    assert zh.count("GeoTIFF") == 1 and "高程文件" in zh

