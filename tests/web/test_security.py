"""Security of the web app (issue #12): escaping, CSRF, traversal, upload limits, CSP, binding."""

from __future__ import annotations

from pathlib import Path

import pytest

from evisynth.errors import InputError
from evisynth.web.auth import AuthConfig, hash_password, is_loopback, require_auth_off_loopback
from evisynth.web.security import CSP

XSS = "<script>alert(1)</script>"


def _ris(title: str, n: int = 1) -> bytes:
    rows = []
    for i in range(n):
        rows.append(f"TY  - JOUR\nTI  - {title} {i}\nAU  - Doe, J\nPY  - 2020\nJO  - J Test\nER  - \n")
    return "\n".join(rows).encode()


def test_xss_label_renders_as_text(client):
    response = client.post_form("/search/upload", {"database": XSS},
                                files={"file": ("x.ris", _ris(XSS), "application/octet-stream")})
    assert response.status_code in (200, 303)
    for url in ("/search", "/", "/history"):
        page = client.get(url).text
        assert XSS not in page
    page = client.get("/search").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reviewer_name_escaped(client):
    client.as_reviewer(XSS)
    page = client.get("/screening").text
    assert XSS not in page and "&lt;script&gt;" in page


def test_post_without_csrf_is_403(client):
    client.get("/")
    assert client.post("/reviewer", data={"reviewer": "x"}).status_code == 403
    assert client.post("/screening/decide", data={"record_id": "1", "decision": "include"}).status_code == 403
    assert client.post("/reviewer", data={"reviewer": "x", "csrf_token": "wrong"}).status_code == 403
    ok = client.post("/reviewer", data={"reviewer": "x"}, headers={"X-CSRF-Token": client.csrf()})
    assert ok.status_code == 200


def test_multipart_without_csrf_is_403(client):
    client.get("/")
    response = client.post("/search/upload", files={"file": ("x.ris", _ris("a"), "text/plain")})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/files/../../etc/passwd", "/files/%2e%2e/%2e%2e/etc/passwd",
                                 "/files/..%2f..%2fetc%2fpasswd", "/files/evisynth.db", "/files//etc/passwd",
                                 "/files/.hidden.json"])
def test_traversal_is_404(client, url):
    assert client.get(url).status_code == 404


def test_own_output_downloads(client, app):
    out = Path(app.state.folder) / "prisma"
    out.mkdir(exist_ok=True)
    (out / "prisma.json").write_text('{"ok": true}', encoding="utf-8")
    response = client.get("/files/prisma/prisma.json")
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_oversize_upload_is_413(client):
    big = _ris("x" * 200, 2000)
    assert len(big) > 256 * 1024
    response = client.post_form("/search/upload", files={"file": ("big.ris", big, "text/plain")})
    assert response.status_code == 413


def test_upload_type_checked(client):
    response = client.post_form("/search/upload", {"database": "X"},
                                files={"file": ("evil.exe", b"MZ\x00\x00", "application/octet-stream")})
    assert response.status_code == 200 and "not a search export" in response.text


def test_xml_entities_not_expanded(client):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&lol2;"
            b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    response = client.post_form("/search/upload", {"database": "PubMed"},
                                files={"file": ("bomb.xml", bomb, "text/xml")})
    assert response.status_code == 200
    assert "lollollol" not in response.text and "lollollol" not in client.get("/search").text


def test_headers_forbid_inline_scripts(client):
    response = client.get("/")
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text.replace('<script src=', '')
    cookie = response.headers.get("set-cookie", "")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()


def test_templates_have_no_inline_script():
    folder = Path(__file__).parents[2] / "src" / "evisynth" / "web" / "templates"
    for path in folder.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and " on" + "click=" not in text, path


def test_non_loopback_without_auth_refuses(tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    with pytest.raises(InputError, match="refusing to listen"):
        require_auth_off_loopback("0.0.0.0", None)
    require_auth_off_loopback("0.0.0.0", AuthConfig(token="s3cret-token"))
    from evisynth.cli.main import main

    assert main(["serve", str(tmp_path), "--host", "0.0.0.0", "--no-browser"]) == 2


def test_token_and_password_login(demo_dir):
    from starlette.testclient import TestClient

    from evisynth.web.app import create_app

    app = create_app(demo_dir, auth=AuthConfig(token="tok-123", users={"ana": hash_password("pw-ana")}))
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            first = c.get("/", follow_redirects=False)
            assert first.status_code == 303 and first.headers["location"] == "/login"
            assert c.get("/?token=wrong", follow_redirects=False).status_code == 303
            assert c.get("/?token=tok-123").status_code == 200
        with TestClient(app, base_url="http://127.0.0.1") as c:
            page = c.get("/login").text
            token = page.split('name="csrf-token" content="')[1].split('"')[0]
            bad = c.post("/login", data={"user": "ana", "password": "nope", "csrf_token": token})
            assert bad.status_code == 401
            good = c.post("/login", data={"user": "ana", "password": "pw-ana", "csrf_token": token})
            assert good.status_code == 200 and "ana" in good.text
    finally:
        app.state.project.close()
