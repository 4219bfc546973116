"""The translation table: complete in both languages, strict on unknown input."""
import re
from pathlib import Path

import pytest

from geo.i18n import LANGS, TEXT, field, t

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_has_both_languages():
    for key, texts in TEXT.items():
        assert len(texts) == len(LANGS), key
        assert all(s.strip() for s in texts), key


def test_every_key_used_in_code_exists():
    """Every t("…") literal in pages/, layers/ and the app names a table key."""
    used = set()
    for path in [ROOT / "streamlit_app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("layers/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.0-9]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in TEXT)
    assert not missing, missing


def test_format_and_errors():
    assert "12" in t("payload", "en", kb=12, tol_m=3)
    with pytest.raises(ValueError, match="expected to be in"):
        t("app.title", "fr")
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
    assert field("name", "en") == "name_en"
