"""Fixtures of the pages over a review (analysis, certainty): a project folder holding a copy of the
bundled SYNTHETIC rTMS review (``data/review.toml`` with its study tables and risk-of-bias file), the
app over it and a test client. Import the fixtures into a test module to use them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evisynth.examples.data import RTMS_DIR
from evisynth.web.app import create_app

from .conftest import Client


@pytest.fixture
def review_dir(tmp_path: Path) -> Path:
    """A review project: the bundled example's files under ``data/`` (no search store)."""
    folder = tmp_path / "review"
    shutil.copytree(RTMS_DIR, folder / "data")
    return folder


@pytest.fixture
def review_app(review_dir: Path) -> Iterator[Any]:
    application = create_app(review_dir)
    yield application
    application.state.project.close()


@pytest.fixture
def review_client(review_app: Any) -> Iterator[Client]:
    with Client(review_app, base_url="http://127.0.0.1") as c:
        yield c
