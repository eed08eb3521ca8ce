"""Fill untranslated entries of the English catalog from .po fragments.

Parallel work writes the English of its new strings to ``locale/pending/*.po`` instead of
editing the shared catalog; this script runs ``makemessages``, fills every empty msgstr it can
from those fragments (gettext's ``msgmerge --compendium``), compiles, and lists what is still
untranslated. Usage: ``.venv/bin/python tools/merge_translations.py``.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
PENDING = ROOT / "locale" / "pending"
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)

HEADER_RE = re.compile(r'\A(?:#[^\n]*\n|\s*\n)*msgid ""\nmsgstr ""\n(?:"[^\n]*"\n)*')


def run(*args: str) -> None:
    subprocess.run(args, check=True, cwd=ROOT)


def main() -> int:
    run(sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--ignore=.venv",
        "--ignore=node_modules", "--ignore=staticfiles", "--ignore=tests")
    # makemessages marks near-misses fuzzy with another string's English: start those afresh
    # so only exact translations fill them.
    run("msgattrib", "--clear-fuzzy", "--empty", "-o", str(CATALOG), str(CATALOG))
    fragments = sorted(PENDING.glob("*.po"))
    with tempfile.TemporaryDirectory() as tmp:
        fixed = []
        for fragment in fragments:
            text = fragment.read_text(encoding="utf-8")
            # Drop a fragment's own header: msgmerge uses plural entries only when the
            # compendium declares the plural forms, which ours does.
            text = HEADER_RE.sub("", text, count=1)
            text = HEADER + text
            target = Path(tmp) / fragment.name
            target.write_text(text, encoding="utf-8")
            fixed.append(str(target))
        if fixed:
            compendium = Path(tmp) / "compendium.po"
            run("msgcat", "--use-first", "-o", str(compendium), *fixed)
            merged = Path(tmp) / "merged.po"
            run("msgmerge", "--quiet", "--no-fuzzy-matching", "-C", str(compendium),
                "-o", str(merged), str(CATALOG), str(CATALOG))
            CATALOG.write_text(merged.read_text(encoding="utf-8"), encoding="utf-8")
    run(sys.executable, "manage.py", "compilemessages", "-l", "en", "--ignore=.venv", "--ignore=node_modules")
    missing = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", str(CATALOG)],
                             capture_output=True, text=True, check=True).stdout
    count = missing.count("\nmsgid ") - (1 if 'msgid ""\nmsgstr ""' in missing else 0)
    print(f"untranslated entries left: {max(count, 0)}")
    if count > 0:
        print(missing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
