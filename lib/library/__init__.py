"""The library: every task kept in SQLite or PostgreSQL, import/export, refresh (no Streamlit)."""
