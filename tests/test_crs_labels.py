"""The input's coordinate system is said in the user's language (site page, data page)."""
import pyproj
import pytest

from geo.crs_labels import centre_system_text, crs_text, is_working_system
from geo.gk import zone_table
from geo.i18n import t
from geo.site_input import parse_coordinates
from geo.vector_io import label_crs


@pytest.mark.parametrize("prefixed", [True, False])
def test_a_file_in_gauss_kruger_is_named_in_chinese_on_the_data_page(prefixed):
    """The data page's read report said 'GK zone 32 (prefixed)' inside the Chinese UI."""
    label = label_crs(pyproj.CRS.from_epsg(zone_table()[(32, prefixed)]))
    zh, en = crs_text(label, "zh"), crs_text(label, "en")
    key = "crs.gk_prefixed" if prefixed else "crs.gk_noprefix"
    assert zh == t(key, "zh", zone=32) and en == t(key, "en", zone=32)
    assert "zone" not in zh and "prefix" not in zh and "第 32 带" in zh
    shown = t("data.report_read", "zh", n=3, crs=zh, how=t("data.how.file", "zh"),
              encoding="UTF-8", enc_how=t("data.enc.cpg", "zh"))
    assert "GK zone" not in shown


@pytest.mark.parametrize("crs, source", [("gcj02", "crs.gcj02"), ("bd09", "crs.bd09")])
def test_a_converted_paste_says_both_systems(crs, source):
    site = parse_coordinates("101.7410,36.5650\n101.7510,36.5650\n101.7510,36.5700\n"
                             "101.7410,36.5700", crs)
    assert not is_working_system(site.crs_in)
    for lang in ("zh", "en"):
        assert centre_system_text(site.crs_in, lang) == t(
            "crs.converted", lang, working=t("crs.working", lang), source=t(source, lang))


@pytest.mark.parametrize("crs", ["wgs84", "cgcs2000"])
def test_a_paste_in_the_working_system_is_not_said_converted(crs):
    site = parse_coordinates("101.741,36.565\n101.751,36.565\n101.751,36.570", crs)
    assert is_working_system(site.crs_in)
    assert centre_system_text(site.crs_in, "zh") == t("crs.working", "zh")


def test_an_epsg_code_stays_as_it_is():
    assert crs_text("EPSG:4547", "en") == "EPSG:4547" and crs_text(None, "zh") == t("crs.unknown", "zh")
