"""A walk through every page the way people use the app, in AppTest (no browser).

For each page, as a viewer and as an official, starting in one language and
switching to the other half-way, the walk sets every widget it finds to each
of its options (selectboxes, radios), to its ends (sliders, number inputs), to
typical and bad values (text, files), clicks every button, and after every run
fails on:

* any exception shown by Streamlit,
* any translation key looked up but missing from the table (even when a page
  catches the ``KeyError`` and falls back),
* any raw id or key shown: a base id (``nanchuan``), a translation key
  (``quota.releaseed``), ``None``/``nan``.

Choices are sent as the browser sends them: as the option's *label*. A
language switch is followed by a run in which every selection widget the
server did not explicitly reset still sends its label in the old language --
what the browser does, and how the atlas crashed on every language switch.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest
from tests._app import map_reports

import geo.i18n
from geo.i18n import LANGS, TEXT, t
from geo.seed import open_store
from tests._stores import OFFICIAL_USER

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAGES = ("atlas", "site_check", "chains", "batch", "quotas", "data")

SQUARE = "101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570"
BATCH_CSV = "site_id,lon,lat,area_ha\nA,101.70,36.56,30\nB,94.90,36.40,50\nC,97.40,37.37,20"


def _geojson_file() -> bytes:
    frame = gpd.GeoDataFrame(
        {"名称": ["红线甲", "红线乙"], "类型": "水源涵养", "管控级别": "核心保护区", "编号": ["A", "B"]},
        geometry=[Polygon([(x, 36), (x + 0.05, 36), (x + 0.05, 36.05), (x, 36.05)])
                  for x in (96.0, 96.1)], crs=4326)
    return frame.to_json(drop_id=True).encode()


#: Typical then bad values of text inputs, by key (any other key gets the defaults).
TEXTS = {
    "paste_text": [SQUARE, "not coordinates at all"],
    "batch_csv": [BATCH_CSV, "site_id,lon,lat,area_ha\nX,abc,1,2"],
    "chains_product": ["正极材料", "zzzz-no-such-product"],
    "chains_rank_product": ["碳酸锂", "zzzz-no-such-product"],
    "batch_product": ["碳酸锂", ""],
    "suit_product": ["碳酸锂", ""],
    "product": ["碳酸锂", "zzzz"],
    "tdt_key": ["abc123", ""],
    "data_source": ["青海省自然资源厅", ""],
    "auth_username": ["nobody"],
    "auth_password": ["wrong"],
}
DEFAULT_TEXTS = ["<b>x</b>" * 40, "测试 test"]
#: Numbers to type, by key (any other key gets its minimum and maximum).
NUMBERS = {"quota_res_area": [1e7, 2.5], "quota_alloc_value": [-1.0, 120.0],
           "quota_alloc_year": [2026], "click_area": [0.01, 50.0], "area_req": [5.0]}
FILES = {
    "site_file": [("site.geojson", _geojson_file(), "application/geo+json"),
                  ("bad.geojson", b"\x00garbage", "application/geo+json")],
    "batch_file": [("sites.csv", BATCH_CSV.encode(), "text/csv"),
                   ("bad.csv", b"\xff\xfe\x00", "text/csv")],
    "data_upload": [("red.geojson", _geojson_file(), "application/geo+json"),
                    ("bad.zip", b"PK\x03\x04broken", "application/zip")],
}
#: Buttons clicked more than once: two reservations, so that confirm and release each close one.
CLICKS = {"FormSubmitter:quota_reserve-": 2}
#: Buttons that end the session or replace data a later step still needs are clicked last.
LAST_BUTTONS = ("auth_logout",)


def _for(table: dict, key: str, default=()):
    """``table[key]``; a key ending in a form generation (``data_upload_1``) matches its stem."""
    return table.get(key) or table.get(re.sub(r"_\d+$", "", key)) or default


# ------------------------------------------------------------------ what a user must never see
class RecordingText(dict):
    """The translation table, recording every key looked up but missing."""

    def __init__(self, *args):
        super().__init__(*args)
        self.missing: list[str] = []

    def __missing__(self, key):
        self.missing.append(key)
        raise KeyError(key)


def _key_pattern() -> re.Pattern:
    heads = sorted({k.split(".")[0] for k in TEXT if "." in k}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, heads))
    return re.compile(rf"(?<![\w/.-])(?:{alternatives})\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*(?![\w/-])")


KEY_LIKE = _key_pattern()
NONE_LIKE = re.compile(r"(?<![\w-])(None|nan|NaN)(?![\w-]|\s\()")  # not "None (offline)"


def _texts(at: AppTest):
    """(where, text) of everything shown as text: elements, labels, options, table headers."""
    for node in at._tree:  # the element tree AppTest parsed from the run
        kind = type(node).__name__
        for attr in ("label", "help", "placeholder"):
            value = getattr(node, attr, None)
            if isinstance(value, str) and value:
                yield f"{kind}.{attr}", value
        options = getattr(node, "options", None)
        if isinstance(options, list):
            for option in options:
                yield f"{kind}.option", str(option)
        if kind in ("Markdown", "Caption", "Title", "Header", "Subheader", "Alert", "Success",
                    "Info", "Warning", "Error", "Text", "Metric", "Code", "Toast"):
            value = getattr(node, "value", None)
            if isinstance(value, str):
                yield kind, value
        if kind == "Dataframe":
            for column in getattr(node.value, "columns", []):
                yield "Dataframe.column", str(column)


class Walker:
    """Runs the app and checks every run."""

    def __init__(self, at: AppTest, base_ids: set[str], text: RecordingText):
        self.at = at
        self.base_ids = base_ids
        alternatives = "|".join(map(re.escape, base_ids))
        self.id_like = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")
        self.text = text
        self.steps: list[str] = []

    # -------------------------------------------------------------- checks
    def check(self, step: str) -> None:
        at = self.at
        self.steps.append(step)
        where = f"after {step!r} (steps: {self.steps[-6:]})"
        assert not at.exception, f"{where}: {[e.message for e in at.exception]}"
        missing = list(self.text.missing)
        assert not missing, f"{where}: missing translations {missing}"
        for kind, text in _texts(at):
            for pattern, what in ((self.id_like, "base id"), (KEY_LIKE, "translation key"),
                                  (NONE_LIKE, "None/nan")):
                found = pattern.search(text)
                assert found is None, f"{where}: raw {what} {found.group(0)!r} in {kind}: {text[:200]!r}"

    # -------------------------------------------------------------- sending input as a browser does
    def _states(self) -> WidgetStates:
        return self.at._tree.get_widget_states()

    def send(self, states: WidgetStates, step: str) -> None:
        self.at._run(states)  # AppTest's runner with these widget states (what the browser sends)
        self.check(step)

    def choose(self, widget, label: str) -> None:
        """Pick an option by its label, as the browser does."""
        states = self._states()
        for state in states.widgets:
            if state.id == widget.id:
                state.string_value = label
                break
        else:
            state = states.widgets.add()
            state.id, state.string_value = widget.id, label
        self.send(states, f"{widget.key}={label}")

    def switch_language(self, lang: str) -> None:
        """Switch the language; then rerun with the labels the browser still holds."""
        before = {s.id: s for s in self._states().widgets if s.WhichOneof("value") == "string_value"}
        self.at.sidebar.radio(key="lang").set_value(lang).run()
        self.check(f"lang={lang}")
        reset = {w.id for w in self._selections() if w.proto.set_value}
        states = self._states()
        for state in states.widgets:
            old = before.get(state.id)
            if old is not None and state.id not in reset:
                state.CopyFrom(old)
        self.send(states, f"rerun after lang={lang} with the browser's labels")

    # -------------------------------------------------------------- the walk
    def _selections(self):
        return [w for w in self.at._tree if type(w).__name__ in ("Selectbox", "Radio")]

    def _widgets(self) -> list:
        return [w for w in self.at._tree if getattr(w, "key", None) and hasattr(w, "proto")
                and type(w).__name__ not in ("DownloadButton",)]

    def _find(self, key: str):
        return next((w for w in self._widgets() if w.key == key), None)

    def exercise(self, key: str) -> None:
        w = self._find(key)
        if w is None or getattr(w.proto, "disabled", False):
            return
        kind = type(w).__name__
        if key == "lang":
            return
        if getattr(w, "form_id", "") and kind in ("NumberInput", "TextInput", "TextArea"):
            return  # a form's values are typed just before its submit button is clicked
        if kind in ("Selectbox", "Radio"):
            for label in list(w.options):
                w = self._find(key)
                if w is None or label not in w.options:
                    break
                self.choose(w, label)
        elif kind in ("Checkbox", "Toggle"):
            for value in (True, False):
                w.set_value(value)
                self.at.run()
                self.check(f"{key}={value}")
        elif kind == "Slider":
            for value in (w.min, w.max):
                self._find(key).set_value(value)
                self.at.run()
                self.check(f"{key}={value}")
        elif kind == "NumberInput":
            values = NUMBERS.get(key) or [v for v in (w.min, w.max) if v is not None] or [1]
            for value in values:
                self._find(key).set_value(value)
                self.at.run()
                self.check(f"{key}={value}")
        elif kind in ("TextInput", "TextArea"):
            for value in _for(TEXTS, key, DEFAULT_TEXTS):
                w = self._find(key)
                if w is None:
                    break
                w.input(value)
                self.at.run()
                self.check(f"{key}={value[:30]!r}")
        elif kind == "FileUploader":
            for upload in _for(FILES, key, []):
                w = self._find(key)
                if w is None:
                    break
                w.set_value(upload)
                self.at.run()
                self.check(f"{key}={upload[0]}")
        elif kind == "Button":
            times = next((n for prefix, n in CLICKS.items() if key.startswith(prefix)), 1)
            for _ in range(times):
                w = self._find(key)
                if w is None:
                    break
                if getattr(w, "form_id", ""):
                    self._fill_form(w.form_id)
                w.click()
                self.at.run()
                self.check(f"click {key}")

    def _fill_form(self, form_id: str) -> None:
        """Type the typical values into the text and number fields of one form."""
        for w in self._widgets():
            if getattr(w, "form_id", "") != form_id:
                continue
            kind = type(w).__name__
            if kind == "NumberInput" and w.key in NUMBERS:
                w.set_value(NUMBERS[w.key][-1])
            elif kind in ("TextInput", "TextArea"):
                w.input(_for(TEXTS, w.key, DEFAULT_TEXTS)[-1])

    def walk(self, start: str, other: str) -> None:
        """Inputs (half before the language switch), then buttons; again for what appeared."""
        done: set[str] = set()
        switched = False
        for _ in range(3):
            keys = [w.key for w in self._widgets() if w.key not in done]
            if not keys:
                break
            inputs = [k for k in keys if not self._is_button(k)]
            buttons = [k for k in keys if self._is_button(k) and k not in LAST_BUTTONS]
            half = len(inputs) // 2
            for i, key in enumerate(inputs):
                if i == half and not switched:
                    self.switch_language(other)
                    switched = True
                self.exercise(key)
            for key in buttons:
                self.exercise(key)
            done.update(keys)
            done.update(LAST_BUTTONS)
        if not switched:
            self.switch_language(other)
        self.switch_language(start)
        for key in LAST_BUTTONS:
            self.exercise(key)

    def _is_button(self, key: str) -> bool:
        w = self._find(key)
        return w is not None and type(w).__name__ == "Button"


def _walker(env, monkeypatch, page: str, user, lang: str) -> Walker:
    text = RecordingText(TEXT)
    monkeypatch.setattr(geo.i18n, "TEXT", text)
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = lang
    if user is not None:
        at.session_state["user"] = user
    at.run()
    if page != "atlas":
        at.switch_page(f"pages/{page}.py").run()
    else:
        map_reports(at)
    bases = open_store(env / "qpa_store.gpkg").read_layer("bases")
    walker = Walker(at, set(bases["id"]), text)
    walker.check(f"open {page} in {lang}")
    return walker


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("user,start", [(None, "zh"), (OFFICIAL_USER, "en")],
                         ids=["viewer-zh-en", "official-en-zh"])
def test_walk_every_widget(env, monkeypatch, page, user, start):
    other = next(lang for lang in LANGS if lang != start)
    walker = _walker(env, monkeypatch, page, user, start)
    walker.walk(start, other)
    print(walker.steps)
    assert walker.steps, "the walk did nothing"


def test_language_switch_keeps_a_chosen_base(env, monkeypatch):
    """The atlas crash: a base chosen, then back to the whole province, then a language switch."""
    walker = _walker(env, monkeypatch, "atlas", None, "zh")
    box = walker._find("focus_base")
    walker.choose(box, box.options[3])
    chosen = walker._find("focus_base").value
    assert chosen in walker.base_ids
    walker.switch_language("en")
    assert walker._find("focus_base").value == chosen
    walker.choose(walker._find("focus_base"), t("ctl.search_none", "en"))
    walker.switch_language("zh")
    assert walker._find("focus_base").value == ""
    assert walker._find("focus_base").options[0] == t("ctl.search_none", "zh")


def test_the_walk_sees_raw_keys():
    """The checks themselves: a key-like or id-like text is caught, ordinary text is not."""
    assert KEY_LIKE.search("quota.releaseed") and KEY_LIKE.search("见 site.err.empty")
    assert not KEY_LIKE.search("console.tianditu.gov.cn") and not KEY_LIKE.search("v1.2 版")
    assert NONE_LIKE.search("面积 None 公顷") and not NONE_LIKE.search("Nonetheless")
    assert json.dumps(t("app.title", "zh"), ensure_ascii=False)
