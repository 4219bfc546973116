"""Warm a just-started app server's caches, so the first visitor waits no longer than later ones.

    python scripts/warm_up.py http://127.0.0.1:8501 [--lang zh en] [--timeout 120]

Waits for ``/_stcore/health``, then opens a Streamlit session over the websocket, as a
browser does, once per language, and asks for a run of the default page (the atlas);
returns when each run has finished. The run executes in the server process, so the
page's ``st.cache_resource`` caches (layers, DEM overlay, overview, place names) and the
modules it imports are ready for the first real visitor. ``scripts/app.sh`` runs it in
the background right after starting the server. Exit status 0 when every run finished,
1 otherwise (the server keeps running either way).
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file by app.sh

from scripts.local_server import wait_healthy  # noqa: E402


async def run_page(base: str, query: str = "", timeout: float = 120.0) -> str:
    """Open a session, run the default page with ``query`` (e.g. ``lang=en``); the run's
    end status (``FINISHED_SUCCESSFULLY`` ...)."""
    import websockets
    from websockets.typing import Subprotocol
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = base.rstrip("/").replace("http://", "ws://").replace("https://", "wss://")
    async with websockets.connect(url + "/_stcore/stream", subprotocols=[Subprotocol("streamlit")],
                                  max_size=None, open_timeout=timeout) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        await ws.send(msg.SerializeToString())
        async with asyncio.timeout(timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await ws.recv())
                if fwd.WhichOneof("type") == "script_finished":
                    return ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("base", help="the app's URL, e.g. http://127.0.0.1:8501")
    p.add_argument("--lang", nargs="*", default=["zh", "en"], help="languages to warm")
    p.add_argument("--timeout", type=float, default=120.0)
    args = p.parse_args(argv)
    if not wait_healthy(args.base, args.timeout):
        print("warm_up: the server did not answer", file=sys.stderr)
        return 1
    ok = True
    for lang in args.lang:
        t0 = time.monotonic()
        try:
            status = asyncio.run(run_page(args.base, f"lang={lang}", args.timeout))
        except Exception as exc:  # noqa: BLE001 -- a warm-up never stops the server
            status = f"failed ({type(exc).__name__}: {exc})"
        ok &= status == "FINISHED_SUCCESSFULLY"
        print(f"warm_up: atlas ({lang}) {status} in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
