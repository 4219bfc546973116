"""Fuzz every input parser: mutated inputs in, only the project's own errors out.

Usage::

    python -m bench.fuzz_inputs [--n 100000] [--workers 2] [--parsers paste,jzd,...]
                                [--out bench/fuzz_results.json]

Each parser gets ``--n`` inputs made by mutating a small seed corpus (valid
files and texts of that kind) with a seeded random generator: byte flips,
truncation, spliced and repeated ranges, numbers replaced by ``inf``/``nan``/
``1e400``/huge or negative values, separators and Unicode inserted, JSON
values replaced by other types. Each input runs through the parser *in
process* (the inner function the sandbox would run, so a raw exception is
seen as raised, not wrapped) in a few long-lived worker processes, each input
under the limits the app's sandbox gives that use (``geo.sandbox.SITE``,
``BATCH`` or ``IMPORT``): ``RLIMIT_CPU`` from the input's start,
``RLIMIT_AS`` of what the worker holds plus the use's memory, and the wall
clock watched by the parent. The parsers' temporary files go to a tmpfs
(``/dev/shm``) instead of the disk. An outcome is ``ok``, a project error (by
translation key; a ``MemoryError`` at the limit counts as
``input.err.memory``, as the sandbox reports it), ``unexpected`` (any other
exception, or the worker dying: its seeds kept in the output's examples) or
``hang`` (the input ran past its CPU or wall-clock limit: the worker is
killed, a fresh one goes on after that input).

The same corpus and mutator drive the bounded property-based tests
(``tests/test_fuzz_inputs.py``, hypothesis picks the seeds).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing as mp
import os
import random
import signal
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

JZD_SEED = ("[属性描述]\n格式版本号=1.01版本\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n"
            "计量单位=米\n带号=34\n精度=0.001\n[地块坐标]\n"
            "5,2.2500,1,西宁地块,面,J47G019034,工业用地,,@\n"
            "J1,1,4058123.456,34512345.678\nJ2,1,4058123.456,34512495.678\n"
            "J3,1,4058273.456,34512495.678\nJ4,1,4058273.456,34512345.678\n"
            "J1,1,4058123.456,34512345.678\n")
PASTE_SEEDS = (
    ("wgs84", "101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570"),
    ("wgs84", "36.56 101.73\n36.56 101.74\n36.57 101.74"),
    ("wgs84", "101°43′48″E,36°33′36″N\n101°44′24″E,36°33′36″N\n101°44′24″E,36°34′12″N"),
    ("gcj02", "J1，101.73，36.56\nJ2，101.74，36.56\nJ3，101.74，36.57\n\nJ4,101.735,36.563\n"
              "J5,101.736,36.563\nJ6,101.736,36.564"),
    ("gk", "4058123.456,34512345.678\n4058123.456,34512495.678\n4058273.456,34512495.678"),
    ("gk_noprefix", "J1,1,4058123.456,512345.678\nJ2,1,4058123.456,512495.678\n"
                    "J3,1,4058273.456,512495.678"),
    ("bd09", "北纬36.56 东经101.73\n北纬36.56 东经101.74\n北纬36.57 东经101.74"),
)
CRS_NAMES = ("wgs84", "cgcs2000", "gcj02", "bd09", "gk", "gk_prefixed", "gk_noprefix")
SPECIAL_NUMBERS = ("inf", "-inf", "nan", "1e400", "-1e400", "1e308", "0", "-0", "1e-320",
                   "99999999999", "4058123.456", "34512345.678", "512345", "36.6", "101.7",
                   "", "٣٦", "１０１．７", "9" * 400, "0x10", "1_000", "+-1")
INSERTS = ("\n", "\r\n", ",", "，", ";", "\t", " ", "°", "′", "″", "@", "[", "]", "=", "\0", "\ufeff",
           "面", "带号=99", "[地块坐标]", "\n\n", "J9,7,", "N", "E", "度", "分", "秒", "\"", "'",
           "{", "}", "<", ">", "&", "\u202e", "\ud7ff", "𝟙")


# ------------------------------------------------------------------ seed files
def _frame(n: int = 2, lon: float = 101.70, lat: float = 36.60):
    import geopandas as gpd
    import shapely

    geoms = [shapely.box(lon + 0.02 * i, lat, lon + 0.02 * i + 0.01, lat + 0.01) for i in range(n)]
    return gpd.GeoDataFrame({"名称": [f"地块{i}" for i in range(n)], "编号": list(range(n)),
                             "类型": "水源涵养", "管控级别": "核心保护区"},
                            geometry=geoms, crs=4326)


def _file_bytes(write, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        write(path)
        return path.read_bytes()


def _shp_zip(frame, prj: bool = True) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / "s.shp", encoding="GBK")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(Path(tmp).iterdir()):
                if prj or p.suffix != ".prj":
                    zf.write(p, p.name)
        return buf.getvalue()


def seed_files() -> dict[str, list[bytes]]:
    """Small valid files of each format (the corpus the mutator starts from)."""
    from geo.gk import lonlat_to_gk

    f = _frame()
    kml = _file_bytes(lambda p: f.to_file(p, driver="KML"), ".kml")
    kmz = io.BytesIO()
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.writestr("doc.kml", kml)
    gk = f.copy()
    import shapely

    def to_gk(g):
        xy = shapely.get_coordinates(g)
        x, y, _ = lonlat_to_gk(xy[:, 0], xy[:, 1], 34, prefixed=True)
        return shapely.set_coordinates(g, list(zip(y, x)))

    gk = gk.set_geometry([to_gk(g) for g in f.geometry]).set_crs(None, allow_override=True)
    return {
        "geojson": [f.to_json().encode(), _frame(1).to_crs(4522).to_json().encode()],
        "kml": [kml],
        "kmz": [kmz.getvalue()],
        "shapefile": [_shp_zip(f), _shp_zip(gk, prj=False)],
        "gpkg": [_file_bytes(lambda p: f.to_file(p, driver="GPKG", layer="parcels"), ".gpkg")],
        "geoparquet": [_file_bytes(lambda p: f.to_parquet(p), ".parquet")],
        "points_csv": [b"site_id,lon,lat,area_ha\nA,101.7,36.6,10\nB,96.3,36.3,50\n",
                       "site_id,lon,lat,area_ha\n甲,101.7,36.6,10\n".encode("gbk")],
        "jzd": [JZD_SEED.encode("gbk"), JZD_SEED.encode("utf-8-sig")],
    }


# ------------------------------------------------------------------ mutation
def mutate_text(text: str, rng: random.Random, rounds: int | None = None) -> str:
    """``text`` after a few random edits of numbers, separators, lines and characters."""
    import re

    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0:  # replace a number by a special one
            nums = list(re.finditer(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text))
            if nums:
                m = rng.choice(nums)
                text = text[:m.start()] + rng.choice(SPECIAL_NUMBERS) + text[m.end():]
        elif op == 1:  # insert a separator / mark / odd character
            i = rng.randint(0, len(text))
            text = text[:i] + rng.choice(INSERTS) + text[i:]
        elif op == 2 and text:  # delete a range
            i = rng.randrange(len(text))
            text = text[:i] + text[i + rng.randint(1, 20):]
        elif op == 3:  # duplicate or drop a line
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(i, lines[i])
            elif len(lines) > 1:
                lines.pop(i)
            text = "\n".join(lines)
        elif op == 4:  # random unicode
            i = rng.randint(0, len(text))
            text = text[:i] + "".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(
                rng.randint(1, 5))).encode("utf-8", "replace").decode("utf-8", "replace") + text[i:]
        elif op == 5:  # swap two lines
            lines = text.split("\n")
            if len(lines) > 1:
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        else:  # repeat the whole thing a few times (many points / parcels)
            text = text + "\n" + text if len(text) < 20_000 else text
    return text


def mutate_bytes(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """``data`` after a few random byte-level edits."""
    buf = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        op = rng.randrange(6)
        if not buf:
            buf = bytearray(rng.randbytes(rng.randint(1, 64)))
            continue
        i = rng.randrange(len(buf))
        if op == 0:
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[i] = rng.choice((0, 0xFF, 0x7F, 0x80, 0x20, 0x2C, 0x30, 0x39))
        elif op == 2:
            del buf[i:i + rng.randint(1, 64)]
        elif op == 3:
            j = rng.randrange(len(buf))
            buf[i:i] = buf[j:j + rng.randint(1, 64)]
        elif op == 4:
            buf = buf[:i]
        else:
            buf[i:i + 4] = rng.randbytes(4)
    return bytes(buf)


def mutate_json(value, rng: random.Random, depth: int = 0):
    """A JSON value with some leaves replaced by other types or special numbers."""
    odd = [None, True, "x", "", [], {}, float("inf"), float("nan"), 1e308, -1, 0, 10**30,
           [[0, 0]], {"type": "Polygon"}, "1e400"]
    if isinstance(value, dict):
        out = {k: mutate_json(v, rng, depth + 1) if rng.random() < 0.3 else v
               for k, v in value.items()}
        if rng.random() < 0.1 and out:
            out.pop(rng.choice(list(out)))
        return out
    if isinstance(value, list):
        items = [mutate_json(v, rng, depth + 1) if rng.random() < 0.2 else v for v in value]
        if rng.random() < 0.1 and items:
            items.insert(rng.randrange(len(items)), rng.choice(items))
        return items
    return rng.choice(odd) if rng.random() < 0.5 else value


def mutate_file(kind: str, data: bytes, rng: random.Random) -> bytes:
    """A mutated file of ``kind``: structure-aware for text/JSON, else bytes; zips by member."""
    if kind in ("geojson",) and rng.random() < 0.6:
        doc = mutate_json(json.loads(data), rng)
        return json.dumps(doc, allow_nan=True).encode()
    if kind in ("kml", "points_csv", "jzd", "geojson") and rng.random() < 0.7:
        enc = "gbk" if kind == "jzd" and not data.startswith(b"\xef\xbb\xbf") else "utf-8-sig"
        try:
            text = data.decode(enc)
            return mutate_text(text, rng).encode(rng.choice((enc, "utf-8", "gbk")), "replace")
        except (UnicodeDecodeError, LookupError):
            pass
    if kind in ("shapefile", "kmz") and rng.random() < 0.7:
        zin = zipfile.ZipFile(io.BytesIO(data))
        names = zin.namelist()
        victim = rng.choice(names)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                body = zin.read(name)
                if name == victim:
                    body = mutate_bytes(body, rng)
                if not (name == victim and rng.random() < 0.1):
                    zout.writestr(name, body)
        return buf.getvalue()
    return mutate_bytes(data, rng)


# ------------------------------------------------------------------ parsers
_SUFFIX = {"geojson": "a.geojson", "kml": "a.kml", "kmz": "a.kmz", "shapefile": "a.zip",
           "gpkg": "a.gpkg", "geoparquet": "a.parquet", "jzd_file": "a.txt"}
PARSERS = ("paste", "jzd", "points_csv", "draw", "geojson", "kml", "kmz", "shapefile", "gpkg",
           "geoparquet", "import_mapping")


def make_input(parser: str, seed: int, seeds: dict):
    """The input number ``seed`` of ``parser`` (deterministic)."""
    rng = random.Random(f"{parser}:{seed}")
    if parser == "paste":
        crs, text = rng.choice(PASTE_SEEDS)
        return (rng.choice((crs, crs, rng.choice(CRS_NAMES))), mutate_text(text, rng),
                rng.choice((None, 32, 34, 99)))
    if parser == "draw":
        doc = json.loads(rng.choice(seeds["geojson"]))
        doc = rng.choice((doc, doc["features"][0], doc["features"][0]["geometry"]))
        return mutate_json(doc, rng)
    if parser == "import_mapping":
        kind = rng.choice(("geojson", "shapefile"))
        data = mutate_file(kind, rng.choice(seeds[kind]), rng) if rng.random() < 0.8 \
            else rng.choice(seeds[kind])
        return (_SUFFIX[kind], data, rng.choice((None, "auto", "wgs84", "gk:34:prefixed")),
                rng.choice((None, "GBK", "UTF-8")), rng.random(),
                rng.choice(("某某厅", "", " ")), rng.choice(("2024-01-01", "2024-13-01", "x")))
    kind = parser
    return mutate_file(kind, rng.choice(seeds[kind]), rng)


def run_input(parser: str, item) -> None:
    """Feed one input to its parser, in this process (raises whatever it raises)."""
    from geo import layer_import as li
    from geo import site_input
    from geo.jzd import read_jzd
    from geo.vector_io import BATCH, IMPORT, SITE

    if parser == "paste":
        crs, text, zone = item
        site_input.parse_coordinates(text, crs, zone=zone)
    elif parser == "jzd":
        read_jzd(item)
        site_input._read_site_file("a.txt", item, SITE)
    elif parser == "points_csv":
        site_input._points_sites("a.csv", item, BATCH)
    elif parser == "draw":
        site_input.site_from_geojson(item)
    elif parser == "import_mapping":
        from layers.schema import SCHEMAS

        name, data, crs, encoding, pick, source, day = item
        schema = SCHEMAS["redlines"]
        got = li._read_for_import(schema.geometry, name, data, crs, encoding, IMPORT)
        mapping = li.suggest_mapping(list(got.frame.columns), schema)
        cols = [c for c in got.frame.columns if c != "geometry"]
        if cols and pick < 0.5:
            mapping = {k: random.Random(pick).choice(cols + [None]) for k in mapping}
        li.apply_mapping(got.frame, schema, mapping, source=source, source_date=day)
    else:
        site_input._read_site_file(_SUFFIX[parser], item, SITE)


def outcome(parser: str, item) -> tuple[str, str]:
    """('ok' | 'error' | 'unexpected', key or exception type)."""
    from geo.errors import QPAError

    try:
        run_input(parser, item)
        return "ok", ""
    except QPAError as err:
        return "error", err.key
    except BaseException as exc:  # noqa: BLE001 - what the fuzzing is looking for
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "unexpected", f"{type(exc).__name__}: {str(exc)[:120]}"


# ------------------------------------------------------------------ the run
def limits_of(parser: str):
    """The sandbox limits the app puts on this parser's input (time, memory)."""
    from geo.sandbox import BATCH, IMPORT, SITE

    return {"points_csv": BATCH, "import_mapping": IMPORT}.get(parser, SITE)


_SEEDS: dict = {}  # the seed corpus, read by _init in each worker


def _init(tmpdir: str | None = None) -> None:
    """Make this process the sandbox: guarded steps inline, no network, files on ``tmpdir``."""
    global _SEEDS
    import warnings

    warnings.filterwarnings("ignore")
    from geo import sandbox

    sandbox._IN_WORKER = True  # this worker is the sandbox: guarded steps run inline
    for var in sandbox._PROXY_ENV:
        os.environ.pop(var, None)
    sandbox.offline()
    if tmpdir:  # the parsers' temporary files on a tmpfs: the same code, no disk writes
        tempfile.tempdir = tmpdir
    _SEEDS = seed_files()


def _vm_bytes() -> int:
    from geo.sandbox import _vm_bytes as vm

    return vm()


def _bound(limits) -> None:
    """This input's limits, as the sandbox's child gets them: CPU from now, memory from now."""
    import resource

    cpu = int(time.process_time()) + 1 + int(limits.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    base = _vm_bytes()
    if base:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (base + limits.memory_bytes, hard))


def _unbound() -> None:
    """Lift the input's limits again (soft limits back to the hard ones)."""
    import resource

    for which in (resource.RLIMIT_CPU, resource.RLIMIT_AS):
        resource.setrlimit(which, (resource.getrlimit(which)[1],) * 2)


def _worker(conn, state, tmpdir: str, report_every: int) -> None:
    """Run the tasks sent on ``conn``, one input at a time under its parser's limits.

    ``state`` holds (seed, start time) of the input being run, for the parent's
    wall-clock watchdog; counts go back every ``report_every`` inputs so that a
    killed worker loses none that were counted.
    """
    _init(tmpdir)
    while True:
        task = conn.recv()
        if task is None:
            break
        parser, start, count = task
        limits = limits_of(parser)
        counts: Counter = Counter()
        found: list = []
        t0 = time.perf_counter()
        for seed in range(start, start + count):
            item = make_input(parser, seed, _SEEDS)
            state[0], state[1] = seed, time.monotonic()
            _bound(limits)
            kind, detail = outcome(parser, item)
            _unbound()
            state[1] = 0.0
            if kind == "unexpected" and detail.startswith("MemoryError"):
                kind, detail = "error", "input.err.memory"  # what the sandbox makes of it
            counts[kind] += 1
            if kind == "error":
                counts["key:" + detail] += 1
            elif kind == "unexpected":
                counts["exc:" + detail.split(":")[0]] += 1
                found.append((seed, detail))
            if (seed - start + 1) % report_every == 0 or seed == start + count - 1:
                conn.send(("progress", parser, counts, found[:3], time.perf_counter() - t0,
                           seed + 1))
                counts, found, t0 = Counter(), [], time.perf_counter()
    conn.close()


class _Slot:
    """One worker process, its pipe, its watchdog state and the task it runs."""

    def __init__(self, ctx, tmpdir: str, report_every: int) -> None:
        self.conn, child = ctx.Pipe()
        self.state = ctx.Array("d", 2, lock=False)
        self.proc = ctx.Process(target=_worker, args=(child, self.state, tmpdir, report_every),
                                daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple | None = None
        self.next_seed = 0
        self.tasks_done = 0

    def give(self, task: tuple) -> None:
        self.task, self.next_seed = task, task[1]
        self.conn.send(task)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def _write(args, parsers, totals, seconds, found, t0, done: bool) -> dict:
    """Write the counts so far to ``args.out`` (``finished`` says whether the run ended)."""
    result = {
        "finished": done, "n_per_parser": args.n, "workers": args.workers,
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "parsers": {name: {
            "inputs": sum(totals[name][k] for k in ("ok", "error", "unexpected", "hang")),
            "ok": totals[name]["ok"], "project_errors": totals[name]["error"],
            "unexpected": totals[name]["unexpected"], "hang": totals[name]["hang"],
            "worker_seconds": round(seconds[name], 1),
            "top_keys": dict(Counter({k[4:]: v for k, v in totals[name].items()
                                      if k.startswith("key:")}).most_common(6)),
            "unexpected_types": {k[4:]: v for k, v in totals[name].items()
                                 if k.startswith("exc:")},
            "examples": found[name][:5],
        } for name in parsers},
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def markdown_rows(result: dict) -> list[str]:
    """The README's fuzz table rows for the parsers of a ``--out`` file."""
    rows = []
    for name, r in result["parsers"].items():
        keys = ", ".join(f"`{k}` {v:,}" for k, v in list(r["top_keys"].items())[:3])
        rows.append(f"| {name} | {r['inputs']:,} | {r['ok']:,} | {r['project_errors']:,} | "
                    f"{r['unexpected']:,} | {r['hang']:,} | {r['worker_seconds']:,.0f} | {keys} |")
    return rows


def _tmpfs_dir() -> str:
    """A private directory on a tmpfs (``/dev/shm``) when there is one, else the default."""
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix="qpa_fuzz_", dir=base)


def main(argv=None) -> int:
    import shutil
    from multiprocessing.connection import wait

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="inputs per parser")
    p.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2)))
    p.add_argument("--parsers", default=",".join(PARSERS))
    p.add_argument("--chunk", type=int, default=500, help="inputs per task")
    p.add_argument("--report-every", type=int, default=50, help="inputs between counts sent back")
    p.add_argument("--recycle", type=int, default=40, help="tasks per worker before a fresh one")
    p.add_argument("--out", default=str(ROOT / "bench" / "fuzz_results.json"))
    p.add_argument("--table", metavar="JSON", help="print the README table rows of a results "
                   "file (of a finished or running run) and exit")
    args = p.parse_args(argv)
    if args.table:
        print("\n".join(markdown_rows(json.loads(Path(args.table).read_text(encoding="utf-8")))))
        return 0
    parsers = [x for x in args.parsers.split(",") if x]
    tasks = [(name, start, min(args.chunk, args.n - start))
             for name in parsers for start in range(0, args.n, args.chunk)]
    random.Random(0).shuffle(tasks)
    cheap = ("paste", "jzd", "points_csv", "draw")
    tasks.sort(key=lambda t: t[0] not in cheap)  # the fast parsers finish first
    tasks.reverse()  # popped from the end
    n_tasks = len(tasks)
    totals: dict[str, Counter] = {name: Counter() for name in parsers}
    seconds: Counter = Counter()
    found: dict = {name: [] for name in parsers}
    t0 = time.perf_counter()
    tmpdir = _tmpfs_dir()
    ctx = mp.get_context("forkserver")
    slots = [_Slot(ctx, tmpdir, args.report_every) for _ in range(max(1, args.workers))]
    finished = reports = 0

    def lost(slot: _Slot, why: str) -> None:
        """The worker died on an input: count it, queue the rest of its task again."""
        assert slot.task is not None  # a worker is lost only while it runs a task
        parser, start, count = slot.task
        seed = int(slot.state[0])
        limits = limits_of(parser)
        if why == "hang":
            totals[parser]["hang"] += 1
            found[parser].append((seed, f"stopped at the sandbox limit "
                                        f"({limits.cpu_seconds} s CPU / {limits.wall_seconds} s)"))
        else:
            totals[parser]["unexpected"] += 1
            totals[parser]["exc:" + why] += 1
            found[parser].append((seed, why))
        end = start + count
        if slot.next_seed < seed:
            tasks.append((parser, slot.next_seed, seed - slot.next_seed))
        if seed + 1 < end:
            tasks.append((parser, seed + 1, end - seed - 1))

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a stopped run still writes the counts it reached
    done = False
    try:
        for slot in slots:
            if tasks:
                slot.give(tasks.pop())
        while any(s.task for s in slots):
            busy = [s for s in slots if s.task]
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=0.5)
            now = time.monotonic()
            for i, slot in enumerate(slots):
                if not slot.task:
                    continue
                dead = False
                if slot.conn in ready:
                    try:
                        while slot.conn.poll():
                            _, name, counts, got, secs, next_seed = slot.conn.recv()
                            totals[name].update(counts)
                            seconds[name] += secs
                            found[name] += got
                            slot.next_seed = next_seed
                            reports += 1
                            if reports % 20 == 0:
                                _write(args, parsers, totals, seconds, found, t0, done=False)
                    except (EOFError, OSError):
                        dead = True
                    if slot.next_seed >= slot.task[1] + slot.task[2]:
                        slot.task, slot.tasks_done = None, slot.tasks_done + 1
                        finished += 1
                        if finished % 20 == 0:
                            print(f"{finished} tasks done ({len(tasks)} queued of {n_tasks}), "
                                  f"{time.perf_counter() - t0:,.0f} s", flush=True)
                started = slot.state[1]
                overdue = slot.task and started and \
                    now - started > limits_of(slot.task[0]).wall_seconds
                if slot.task and (overdue or dead or not slot.proc.is_alive()):
                    slot.proc.kill()
                    slot.proc.join()
                    code = slot.proc.exitcode
                    why = "hang" if overdue or code in (-9, -24) else f"WorkerDied: exit code {code}"
                    lost(slot, why)
                    slot = slots[i] = _Slot(ctx, tmpdir, args.report_every)
                elif not slot.task and slot.tasks_done >= args.recycle:
                    slot.stop()
                    slot = slots[i] = _Slot(ctx, tmpdir, args.report_every)
                if not slot.task and tasks:
                    slot.give(tasks.pop())
        done = True
    except KeyboardInterrupt:
        print("stopped: the counts reached so far are written", flush=True)
    finally:
        for slot in slots:
            slot.proc.kill()
            slot.proc.join()
        shutil.rmtree(tmpdir, ignore_errors=True)
    result = _write(args, parsers, totals, seconds, found, t0, done=done)
    for name, r in result["parsers"].items():
        print(f"{name:15s} {r['inputs']:>8,} inputs  ok {r['ok']:>7,}  errors {r['project_errors']:>8,}"
              f"  unexpected {r['unexpected']:>5,}  hang {r['hang']:>3}  {r['worker_seconds']:>8,.0f} s")
    print(f"wall {result['wall_seconds']:,.0f} s; written {args.out}")
    return 1 if any(r["unexpected"] or r["hang"] for r in result["parsers"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
