"""Screenshots of every page in both languages for the README: docs/<page>_<lang>.png.

    .venv/bin/python scripts/screenshots.py [--out docs] [--pages atlas batch ...]
                                            [--lang zh en] [--keep-server]

Starts the app (``streamlit_app.py``) on a free loopback port with the bundled data in
a throwaway data directory (so ``var/`` is not touched), creates the sample local
official there (as a local server does on its first page) and logs in as that
official where a page needs it (quotas with the ledger's actions, data). Headless
Debian Chromium (``/usr/bin/chromium``, the flags of the browser tests) opens each
page with every request to a host other than the loopback blocked, waits for the
page to show its result (the map drawn, a verdict, a ranking), and saves a
viewport screenshot, recompressed as a 256-colour PNG (each well under 400 KB).

Each page's texts are looked up in the translation table (``geo.i18n.t``), so the
script follows the app's wording in both languages. Exit status 0 when every
screenshot was saved.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from geo.auth import SAMPLE_USER, ensure_sample_credentials  # noqa: E402
from geo.i18n import LANGS, t  # noqa: E402
from scripts.local_browser import CHROMIUM, block_non_local, frame_with, launch  # noqa: E402
from scripts.local_server import LocalServer, start  # noqa: E402

VIEWPORT = {"width": 1280, "height": 860}
MAX_BYTES = 400_000
WAIT_MS = 120_000
#: A 30 ha site in the 南川 base, west of Xining (a 正极材料 project: a suitability score).
SITE = ("101.730000,36.560000;101.736700,36.560000;101.736700,36.564900;"
        "101.730000,36.564900;101.730000,36.560000")
PRODUCT = "正极材料"
BATCH_SITES = ("site_id,lon,lat,area_ha\nnanchuan,101.735,36.5661,20\nganhe,101.475,36.5314,20\n"
               "golmud,95.0,36.4218,20\nx1,94.9,36.4,50\nqarhan,94.98,36.8016,20\n"
               "redline,97.0,37.3,40\n")


# ------------------------------------------------------------------ the server
def start_server(data_dir: Path, log: Path) -> LocalServer:
    """The app on a free loopback port, its data in ``data_dir`` (no database, no users but
    the sample official); waits until healthy."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QPA_DATABASE_URL", "QPA_USERS", "QPA_USERS_FILE")}
    env["QPA_DATA_DIR"] = str(data_dir)
    return start(REPO / "streamlit_app.py", log, env=env, wait_s=120)


# ------------------------------------------------------------------ the browser
def new_page(browser, blocked: list[str]):
    """A page in a fresh context (a new Streamlit session) that cannot leave the machine."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="zh-CN")
    block_non_local(context, blocked)
    return context.new_page()


def map_frame(page, selector: str = ".leaflet-container", timeout_s: float = 120):
    """The frame holding ``selector`` (a folium map's iframe)."""
    frame = frame_with(page, selector, timeout_s)
    if frame is None:
        raise AssertionError(f"no frame with {selector} in {timeout_s:.0f} s")
    return frame


def settle(page) -> None:
    """Wait until Streamlit has finished running the script and the page stopped moving."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_timeout(1500)


def login(page, base: str, lang: str, password: str) -> None:
    """Open the app in ``lang`` and log in as the sample official (sidebar)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/?lang={lang}", wait_until="domcontentloaded")
    map_frame(page)
    sidebar = controls_shown(page)
    settle(page)
    sidebar.get_by_text(t("auth.login_title", lang)).click()
    sidebar.get_by_label(t("auth.username", lang), exact=True).fill(SAMPLE_USER)
    sidebar.get_by_label(t("auth.password", lang), exact=True).fill(password)
    sidebar.get_by_role("button", name=t("auth.login", lang), exact=True).click()
    expect(sidebar.get_by_role("button", name=t("auth.logout", lang))).to_be_visible(timeout=WAIT_MS)


def controls_shown(page):
    """The sidebar, once its controls are there (the atlas draws its map first and its
    widgets with the next run)."""
    from playwright.sync_api import expect

    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_role("radiogroup").first).to_be_visible(timeout=WAIT_MS)
    return sidebar


def open_page(page, lang: str, title_key: str) -> None:
    """Go to a page through the sidebar navigation (the session, and its login, stay)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=t(title_key, lang), exact=True).click()


def scroll_to(page, locator) -> None:
    """Scroll ``locator`` to the top of the viewport (Streamlit's main area scrolls itself)."""
    locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)


# ------------------------------------------------------------------ the pages
def atlas(page, base: str, lang: str, password: str) -> None:
    page.goto(f"{base}/?lang={lang}", wait_until="domcontentloaded")
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-overlay-pane path", timeout=WAIT_MS)
    controls_shown(page)
    settle(page)


def site_check(page, base: str, lang: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/site_check?lang={lang}&site_mode=paste&site={SITE}",
              wait_until="domcontentloaded")
    map_frame(page, "path.qpa-site")
    page.get_by_role("textbox", name=t("site.product", lang), exact=True).fill(PRODUCT)
    page.get_by_role("button", name=t("site.run", lang)).click()
    verdict = page.get_by_role("heading", name=t("site.verdict_compliance", lang, status="")
                               .strip().rstrip(":：").strip())
    expect(verdict.first).to_be_visible(timeout=WAIT_MS)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT_MS)
    settle(page)
    scroll_to(page, verdict)


def batch(page, base: str, lang: str, password: str) -> None:
    page.goto(f"{base}/batch?lang={lang}", wait_until="domcontentloaded")
    page.get_by_role("textbox", name=t("batch.paste", lang), exact=True).fill(BATCH_SITES)
    page.get_by_role("textbox", name=t("batch.product", lang), exact=True).fill(PRODUCT)
    page.get_by_role("button", name=t("batch.run", lang)).click()
    heading = page.get_by_role("heading", name=t("batch.ranking", lang))
    heading.wait_for(timeout=WAIT_MS)
    map_frame(page, ".leaflet-marker-pane *, path.leaflet-interactive")
    settle(page)
    scroll_to(page, heading)


def chains(page, base: str, lang: str, password: str) -> None:
    page.goto(f"{base}/chains?lang={lang}", wait_until="domcontentloaded")
    page.locator("[data-testid='stGraphVizChart'] svg").first.wait_for(timeout=WAIT_MS)
    settle(page)


def quotas(page, base: str, lang: str, password: str) -> None:
    login(page, base, lang, password)
    open_page(page, lang, "page.quotas")
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT_MS)
    page.get_by_role("heading", name=t("quota.by_base", lang)).wait_for(timeout=WAIT_MS)
    settle(page)


def data(page, base: str, lang: str, password: str) -> None:
    login(page, base, lang, password)
    open_page(page, lang, "page.data")
    page.get_by_role("heading", name=t("data.import", lang)).wait_for(timeout=WAIT_MS)
    settle(page)


PAGES: dict[str, Callable] = {"atlas": atlas, "site_check": site_check, "batch": batch,
                              "chains": chains, "quotas": quotas, "data": data}


# ------------------------------------------------------------------ images
def compress(png: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """``png`` as a 256-colour optimised PNG; scaled down step by step if still too big."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    while True:
        buf = io.BytesIO()
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
                     ).save(buf, format="PNG", optimize=True)
        if buf.tell() <= max_bytes or img.width < 800:
            return buf.getvalue()
        img = img.resize((int(img.width * 0.9), int(img.height * 0.9)), Image.Resampling.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(REPO / "docs"), help="folder of the PNGs (docs/)")
    p.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    p.add_argument("--lang", nargs="*", default=list(LANGS), choices=list(LANGS))
    args = p.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="qpa-shots-") as tmp:
        data_dir = Path(tmp)
        said = io.StringIO()
        ensure_sample_credentials(data_dir, stream=said)  # the sample local official
        password = said.getvalue().split("password '", 1)[1].split("'", 1)[0]
        server = start_server(data_dir, data_dir / "server.log")
        base = server.base
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                for name in args.pages:
                    for lang in args.lang:
                        blocked: list[str] = []
                        page = new_page(browser, blocked)
                        start = time.perf_counter()
                        try:
                            PAGES[name](page, base, lang, password)
                            png = compress(page.screenshot())
                        except Exception as exc:  # report and go on with the next page
                            failed += 1
                            print(f"{name}_{lang}: FAILED {type(exc).__name__}: {exc}",
                                  file=sys.stderr)
                            failed_dir = REPO / "test-output"
                            failed_dir.mkdir(exist_ok=True)
                            page.screenshot(path=str(failed_dir / f"FAILED-shot-{name}_{lang}.png"))
                        else:
                            path = out / f"{name}_{lang}.png"
                            path.write_bytes(png)
                            print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}"
                                  f": {len(png) / 1024:.0f} KB, {time.perf_counter() - start:.1f} s"
                                  + (f", {len(blocked)} non-local requests blocked" if blocked
                                     else ""))
                        finally:
                            page.context.close()
                browser.close()
        finally:
            server.stop()
            if failed:
                print(server.log_tail(), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
