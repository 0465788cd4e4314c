"""The gateway: HTTP transport, routes, the parser, models, bodies and errors (no Streamlit)."""

from lib.gateway.client import GatewayClient

__all__ = ["GatewayClient"]
