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


_SOURCES = (".py", ".j2", ".yaml", ".yml", ".js", ".html")
_PARTS = ROOT / "geo" / "i18n_parts"


def _code_text() -> str:
    """Every source file of the repo (tests included), with the table's own key definitions
    left out (their values stay: a text may name another key)."""
    out = []
    for path in ROOT.rglob("*"):
        if path.suffix not in _SOURCES or not path.is_file() or \
                {".venv", "node_modules", "vendor", "test-output", "var", ".git"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.parent == _PARTS or path == ROOT / "geo" / "i18n.py":
            text = re.sub(r'(?m)^\s*"[^"]+":', "", text)
        out.append(text)
    return "\n".join(out)


def test_every_key_is_used_somewhere():
    """No dead text in the table: each key is named in the code as a literal, or starts with
    a prefix the code completes (``f"status.{s}"``, ``prefix="rpt.kind."``, ``key + ".line"``)."""
    text = _code_text()
    literals = set(re.findall(r"""["']([A-Za-z0-9_.\-]+)["']""", text))
    prefixes = set(re.findall(r"""f["']([A-Za-z0-9_.\-]*\.[A-Za-z0-9_\-]*)\{""", text))
    prefixes |= {lit for lit in literals if lit.endswith(".")}
    suffixes = set(re.findall(r"""\{[a-z_.]+\}(\.[a-z_]+)["']""", text))  # f"{err.key}.line"
    unused = sorted(k for k in TEXT if k not in literals
                    and not any(k.startswith(p) for p in prefixes)
                    and not any(k.endswith(x) and k[:-len(x)] in literals for x in suffixes))
    assert not unused, unused


def test_format_and_errors():
    assert "12" in t("payload", "en", kb=12, tol_m=3)
    with pytest.raises(ValueError, match="expected to be in"):
        t("app.title", "fr")
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
    assert field("name", "en") == "name_en"
