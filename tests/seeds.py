"""Parse the policy seeds (../shared/seeds) for facts the data must match."""
from __future__ import annotations

import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_text(prefix: str) -> str:
    """Text of the seed file whose name starts with ``prefix`` (e.g. '001')."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def base_names() -> dict[int, str]:
    """Seed 001 §四: {item number: base name}, e.g. {1: '西宁甘河工业园区', …}."""
    section = seed_text("001").split("四、主要任务", 1)[1].split("五、推进措施", 1)[0]
    return {int(n): name for n, name in re.findall(r"(\d+)．(\S+?园区)。", section)}


def thousand_billion_bases() -> list[str]:
    """Seed 004 §三(六)4 (DESIGN.md says §二; the paragraph sits under 三、主要任务): short names of the five 千亿 bases."""
    sentence = next(line for line in seed_text("004").splitlines() if "4.推进产业基地建设" in line)
    names = []
    for part in re.findall(r"构建(.+?)(\d)个千亿产业基地", sentence):
        names += [re.sub(r"工业园区|综合经济园区", "", s) for s in re.split(r"[､、]", part[0])]
    return names
