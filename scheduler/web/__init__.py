"""The coordinator's web app and HTTP API (FastAPI); `create_app(settings)` builds it."""

from scheduler.web.app import create_app

__all__ = ["create_app"]
