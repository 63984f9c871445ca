"""Running the app with uvicorn (``evisynth serve``)."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path
from typing import Any

from evisynth.web.auth import AuthConfig, is_loopback, read_users, require_auth_off_loopback


def run(project_dir: str | Path, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
        db_url: str | None = None, token: str | None = None, users_file: str | Path | None = None,
        announce: Any = print) -> None:
    """Serve the project until interrupted; refuses a non-loopback ``host`` without authentication."""
    import uvicorn

    from evisynth.web.app import create_app

    auth = AuthConfig(token=token or None, users=read_users(users_file) if users_file else {})
    require_auth_off_loopback(host, auth)
    app = create_app(project_dir, db_url=db_url, auth=auth)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    announce(f"evisynth serve: {Path(project_dir)} at {url} (Ctrl+C stops)")
    if not is_loopback(host):
        announce("  listening beyond this machine: put it behind HTTPS (a reverse proxy) for a team")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        app.state.project.close()
