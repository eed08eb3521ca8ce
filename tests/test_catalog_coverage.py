"""Every translatable string in the code is in the English catalog (French is the source)."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _msgids(text: str) -> set[str]:
    ids = set()
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match and "msgctxt" not in block:
            ids.add("".join(re.findall(r'"(.*)"', match.group(1))))
    ids.discard("")
    return ids


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed (apt-get install gettext)")
def test_every_translatable_string_is_in_the_english_catalog():
    original = PO.read_text(encoding="utf-8")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="marketplace.settings.dev")
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete",
             "--ignore=.venv", "--ignore=node_modules", "--ignore=staticfiles", "--ignore=tests"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
        )
        extracted = _msgids(PO.read_text(encoding="utf-8"))
    finally:
        PO.write_text(original, encoding="utf-8")
    missing = sorted(extracted - _msgids(original))
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
