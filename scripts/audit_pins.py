"""Known vulnerabilities of the locked pins, from PyPI's vulnerability data (what `pip-audit`
asks PyPI), for every pin of requirements.txt and requirements-dev.txt.

A pin is looked up at `/pypi/<name>/<version>/json`; where only the project's page answers
(`/pypi/<name>/json`, as on mirrors), its `vulnerabilities` are those of the latest release,
so they count for a pin at that release and the others are reported as not verifiable.
Exit 1 on any known vulnerability; PyPI out of reach is said, not failed (offline intranets).
"""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PYPI = "https://pypi.org/pypi"
LOCKS = ("requirements.txt", "requirements-dev.txt")
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)")


def pins(root: Path) -> dict[str, str]:
    """Every `name==version` of the lock files."""
    found = {}
    for lock in LOCKS:
        for line in (root / lock).read_text().splitlines():
            if m := PIN.match(line):
                found[m.group(1).lower()] = m.group(2)
    return found


def fetch(url: str) -> dict[str, Any] | None:
    """The JSON at `url`, or None when PyPI has no such page."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            data: dict[str, Any] = json.load(response)
            return data
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def audit(name: str, version: str) -> tuple[str, list[str]]:
    """`ok`, `vulnerable` or `unverifiable`, and the advisories' ids."""
    page = fetch(f"{PYPI}/{name}/{version}/json")
    if page is None:
        page = fetch(f"{PYPI}/{name}/json")
        if page is None or page["info"]["version"] != version:
            return "unverifiable", []
    ids = [v.get("id", "?") for v in page.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return ("vulnerable" if ids else "ok"), ids


def main() -> int:
    """Audit every pin; print what was found."""
    locked = pins(Path(__file__).resolve().parent.parent)
    try:
        with ThreadPoolExecutor(8) as pool:
            results = dict(zip(locked, pool.map(lambda p: audit(*p), locked.items()), strict=True))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        print(f"audit: PyPI is out of reach ({exc}); pins NOT checked")
        return 0
    vulnerable = {n: ids for n, (state, ids) in results.items() if state == "vulnerable"}
    unverifiable = sorted(n for n, (state, _) in results.items() if state == "unverifiable")
    for name, ids in sorted(vulnerable.items()):
        print(f"audit: {name}=={locked[name]} has known vulnerabilities: {', '.join(ids)}")
    if unverifiable:
        print(f"audit: no vulnerability data here for {', '.join(unverifiable)} (not the latest)")
    print(
        f"audit: {len(locked)} pins, {len(vulnerable)} vulnerable,"
        f" {len(locked) - len(vulnerable) - len(unverifiable)} verified clean"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
