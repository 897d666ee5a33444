"""Render Atrium's nginx configuration from deploy/nginx/templates (and standalone.conf.template).

The templates use ${NAME} for Atrium's values and $name for nginx's variables, the same convention the official
nginx image's envsubst step uses, so one set of files serves the image and a plain nginx. Every ${NAME} must get a
value: a missing one is an error, never an empty string in the config.

    python3 deploy/nginx/render.py --out /etc/nginx/atrium --set BASE_DOMAIN=example.com ... [--standalone]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STANDALONE_TEMPLATE = HERE / "standalone.conf.template"
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")

# Values that rarely differ between installations; everything else must be given.
DEFAULTS: dict[str, str] = {
    "HTTP_PORT": "80",
    "HTTPS_PORT": "443",
    "CLIENT_MAX_BODY_SIZE": "26m",
    "LOGIN_RATE": "10r/m",
    "LOGIN_BURST": "10",
    "SIGNUP_RATE": "5r/m",
    "SIGNUP_BURST": "5",
    "HSTS_MAX_AGE": "31536000",
    "PROXY_READ_TIMEOUT": "60s",
    "ACCESS_LOG": "/dev/stdout",
    "NGINX_WORKER_PROCESSES": "auto",
    "NGINX_MIME_TYPES": "/etc/nginx/mime.types",
}


class RenderError(ValueError):
    pass


def https_port_suffix(https_port: str) -> str:
    """What follows the host in an https:// URL: nothing for 443."""
    return "" if https_port == "443" else f":{https_port}"


def template_names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render_text(text: str, values: Mapping[str, str]) -> str:
    missing = sorted(template_names(text) - set(values))
    if missing:
        raise RenderError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def script_src_hashes(frontend_root: str | None) -> str:
    """The sha256 sources of the static export's inline scripts, which the build writes beside the pages.

    CSP's script-src must name them or the pages never hydrate; a root without the file (the placeholder
    page) has no inline scripts.
    """
    if not frontend_root:
        return ""
    hashes = Path(frontend_root) / "_atrium" / "csp-script-hashes.txt"
    return hashes.read_text().strip() if hashes.is_file() else ""


def values_complete(values: Mapping[str, str]) -> dict[str, str]:
    complete = {**DEFAULTS, **values}
    complete.setdefault("HTTPS_PORT_SUFFIX", https_port_suffix(complete["HTTPS_PORT"]))
    complete.setdefault("SCRIPT_SRC_HASHES", script_src_hashes(complete.get("FRONTEND_ROOT")))
    return complete


def render(out_dir: Path, values: Mapping[str, str], *, standalone: bool = False) -> Path:
    """Write every template (minus .template) into out_dir; return the file nginx should be started with."""
    complete = values_complete({**values, "CONF_DIR": str(out_dir)})
    out_dir.mkdir(parents=True, exist_ok=True)
    for template in sorted(TEMPLATES.glob("*.template")):
        (out_dir / template.name.removesuffix(".template")).write_text(render_text(template.read_text(), complete))
    if not standalone:
        return out_dir / "atrium.conf"
    main = out_dir / "nginx.conf"
    main.write_text(render_text(STANDALONE_TEMPLATE.read_text(), complete))
    return main


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="directory to write the configuration into")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a template value")
    parser.add_argument("--standalone", action="store_true", help="also write nginx.conf for a private nginx")
    args = parser.parse_args(argv)
    values: dict[str, str] = {}
    for item in args.set:
        name, separator, value = item.partition("=")
        if not separator:
            parser.error(f"--set needs NAME=VALUE, got {item!r}")
        values[name] = value
    try:
        path = render(args.out.resolve(), values, standalone=args.standalone)
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
