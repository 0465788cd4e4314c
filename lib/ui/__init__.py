"""Everything Streamlit: the only part of lib/ that imports it.

``session/`` owns every session key, ``resources`` the server's cached resources, and the other
modules are render components the pages in ``app_pages/`` compose."""
