"""``CORS(app_or_blueprint, **options)`` for Quart: the Flask extension's twin.

One ASGI middleware per app (around ``app.asgi_app``) answers preflights before routing,
hooks and views, and adds headers to every other response of a covered route. Policies
are built at start-up by the same core, from the same layers: defaults < ``CORS_*``
config < ``CORS(...)`` kwargs < ``init_app`` kwargs < per-resource options; a
decorator's policy governs its view, a blueprint's policy its routes.
"""

from __future__ import annotations

from typing import cast

from quart import Blueprint, Quart
from quart.signals import got_request_exception

from ..asgi import ASGIApp
from ..flask_ext.extension import EXTENSION_KEY, CORSExtension
from .middleware import QuartCORSMiddleware, mark_uncaught_exception
from .state import QuartState

__all__ = ["CORS", "get_state"]


def get_state(app: Quart) -> QuartState:
    """The app's CORS state, installing the middleware on first use."""
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = QuartState(app)
        app.extensions[EXTENSION_KEY] = state
        inner = cast(ASGIApp, app.asgi_app)
        app.asgi_app = QuartCORSMiddleware(inner, state, app)  # type: ignore[method-assign,assignment]
        state.watch_routing()
        got_request_exception.connect(mark_uncaught_exception, app)
    assert isinstance(state, QuartState)
    return state


class CORS(CORSExtension[Quart, Blueprint]):
    """Cross-Origin Resource Sharing for a Quart app or blueprint.

    ``CORS(app, **options)``, or ``cors = CORS(**options)`` then
    ``cors.init_app(app, **more)``: the options and ``CORS_*`` config keys of the Flask
    extension, with the same checks and errors. ``origins`` may hold async callables,
    which are awaited.
    """

    app_class = Quart
    blueprint_class = Blueprint
    framework = "Quart"

    def state_of(self, app: Quart) -> QuartState:
        return get_state(app)
