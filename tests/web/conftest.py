"""Fixtures of the web app: the SYNTHETIC demo project built in tmp_path, the app over it and a test
client that knows its CSRF token."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
warnings.filterwarnings("ignore", message="Using `httpx` with")

from starlette.testclient import TestClient  # noqa: E402

from evisynth.api.web import build_demo_project  # noqa: E402
from evisynth.web.app import MAX_UPLOAD_BYTES, create_app  # noqa: E402

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo search project (four databases imported, deduplicated, screened), built once."""
    folder = tmp_path_factory.mktemp("demo-template")
    build_demo_project(folder).close()
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project for one test."""
    import shutil

    target = tmp_path / "project"
    shutil.copytree(demo_template, target)
    return target


class Client(TestClient):
    """A TestClient with :meth:`csrf` (the session's token, read from a page) and :meth:`post_form`."""

    def csrf(self) -> str:
        page = self.get("/")
        match = CSRF_META.search(page.text)
        assert match, "no CSRF meta tag on the project page"
        return match.group(1)

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.post(url, data={"csrf_token": self.csrf(), **(data or {})}, **kwargs)

    def as_reviewer(self, name: str) -> Client:
        response = self.post_form("/reviewer", {"reviewer": name, "next": "/"})
        assert response.status_code in (200, 303)
        return self


@contextmanager
def serving(folder: Path, **options: Any) -> Iterator[Any]:
    """The app over ``folder`` (uploads limited to 256 KiB unless given), its store closed afterwards."""
    application = create_app(folder, **{"max_upload_bytes": 256 * 1024, **options})
    try:
        yield application
    finally:
        application.state.project.close()


@pytest.fixture
def app(demo_dir: Path) -> Any:
    with serving(demo_dir) as application:
        yield application


@pytest.fixture
def client(app: Any) -> Client:
    with Client(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def empty_app(tmp_path: Path) -> Any:
    folder = tmp_path / "empty"
    folder.mkdir()
    with serving(folder) as application:
        yield application


@pytest.fixture
def review_dir(tmp_path: Path) -> Path:
    """A review project (pages 5 and 6): the bundled SYNTHETIC rTMS review copied under ``data/``
    (``review.toml``, study tables, risk-of-bias file; no search store)."""
    import shutil

    from evisynth.examples.data import RTMS_DIR

    folder = tmp_path / "review"
    shutil.copytree(RTMS_DIR, folder / "data")
    return folder


@pytest.fixture
def review_app(review_dir: Path) -> Any:
    with serving(review_dir, max_upload_bytes=MAX_UPLOAD_BYTES) as application:
        yield application


@pytest.fixture
def review_client(review_app: Any) -> Client:
    with Client(review_app, base_url="http://127.0.0.1") as c:
        yield c
