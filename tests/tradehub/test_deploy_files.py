"""The files docs/deploy.md tells an operator to use: deploy/nginx.conf and deploy/gunicorn.conf.py.

Walking the trial found two faults these tests keep out: nginx forwarded /static/ without the
visitor's Host header (a location without proxy_set_header lines of its own inherits none that
sit in a sibling location), so production answered 400 for every stylesheet; and every
gunicorn on a machine shared one control socket (~/.gunicorn/gunicorn.ctl).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def _nginx_blocks(text: str) -> tuple[str, dict[str, str]]:
    """(the server block's own directives, {location: its body}) of the file's server block."""
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    server_at = text.index("server {")
    body, locations, depth, start, name = [], {}, 0, 0, ""
    i = server_at + len("server {")
    while i < len(text):
        char = text[i]
        if char == "{":
            if depth == 0:
                name = re.search(r"location\s+([^{]+)$", text[:i]).group(1).strip()
                start = i + 1
            depth += 1
        elif char == "}":
            if depth == 0:
                break
            depth -= 1
            if depth == 0:
                locations[name] = text[start:i]
        elif depth == 0:
            body.append(char)
        i += 1
    return "".join(body), locations


def test_nginx_forwards_host_address_scheme_and_request_id_for_every_location():
    server, locations = _nginx_blocks(NGINX_CONF.read_text(encoding="utf-8"))

    for header in (
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Request-Id $request_id;",
        'proxy_set_header Connection "";',
        "proxy_http_version 1.1;",
    ):
        assert header in server, header
    proxied = {name: body for name, body in locations.items() if "proxy_pass" in body}
    assert {"/static/", "/"} <= set(proxied)
    for name, body in proxied.items():
        # One proxy_set_header here would drop every inherited one for this location.
        assert "proxy_set_header" not in body, name
        assert "proxy_pass http://tradehub_app;" in body, name
    assert "return 404;" in locations["= /metrics"]


def _gunicorn_setting(name: str, bind: str, tmp_path: Path) -> str:
    """A setting as deploy/gunicorn.conf.py computes it for BIND=bind (in a fresh process:
    the file sets PROMETHEUS_MULTIPROC_DIR in the environment it runs in)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"GUNICORN_CONTROL_SOCKET", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env.update({"BIND": bind, "TMPDIR": str(tmp_path)})
    code = f"import runpy; print(runpy.run_path({str(GUNICORN_CONF)!r})[{name!r}])"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_each_gunicorn_bind_address_has_its_own_control_socket(tmp_path):
    first = _gunicorn_setting("control_socket", "127.0.0.1:8000", tmp_path)
    second = _gunicorn_setting("control_socket", "127.0.0.1:8001", tmp_path)

    assert first == str(tmp_path / "tradehub-gunicorn-127.0.0.1-8000.ctl")
    assert second == str(tmp_path / "tradehub-gunicorn-127.0.0.1-8001.ctl")
