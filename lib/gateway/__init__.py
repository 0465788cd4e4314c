"""The gateway: HTTP transport, routes, the parser, models, bodies and errors (no Streamlit)."""
