"""The app as a user opens it, with every layer switched on, for the first-paint benchmark.

Started by ``bench/run_all.py`` with ``streamlit run`` from a run folder whose
``static`` and ``pages`` link to the repo's; the repo root is on PYTHONPATH. It
runs ``streamlit_app.py`` itself (router, language switch, login box, the atlas
page as the default page), after switching on every registry layer's ``show``
(county lines, quotas, places ... that the app leaves off by default). Not a page
of the app.
"""
import os
import runpy
from pathlib import Path

import layers.registry as registry

ROOT = Path(os.environ.get("ATLAS_REPO_ROOT", Path(__file__).resolve().parent.parent))

for spec in registry.LAYERS:  # every layer on
    object.__setattr__(spec, "show", True)

runpy.run_path(str(ROOT / "streamlit_app.py"), run_name="__main__")
