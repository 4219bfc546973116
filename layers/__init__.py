"""Map layers (folium), no Streamlit. Importing the package keeps branca from compiling
rendered map text as Jinja templates (:mod:`layers.branca_text`)."""
from .branca_text import install as _install_branca_text

_install_branca_text()
