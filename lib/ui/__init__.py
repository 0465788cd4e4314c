"""Streamlit render components (the only part of lib/ besides lib/state.py that imports streamlit)."""
