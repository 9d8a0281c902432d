"""Refresh the message catalogues from the templates and code, keeping the translations written so far.

    .venv/bin/python web/tools/catalogs.py          # extract, update en and pl, compile

Templates are written in Polish. `en` translates them; `pl` carries only the Polish plural forms (three of
them: 1 projekt, 2 projekty, 5 projektów), which gettext cannot derive from the two forms in the source.
A message left untranslated in `en` is listed, and the run fails, so an English page never shows Polish.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
PACKAGE = WEB / "src" / "glos_web"
TRANSLATIONS = PACKAGE / "translations"
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def run(*args: str) -> None:
    subprocess.run([PYBABEL, *args], check=True, cwd=WEB, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    pot = TRANSLATIONS / "messages.pot"
    run("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output", "--omit-header",
        "-o", str(pot), "src/glos_web")
    for language in ("en", "pl"):
        po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        if po.exists():
            run("update", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", language, "--no-fuzzy-matching",
                "--ignore-obsolete")
        else:
            run("init", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", language)
    from babel.messages.pofile import read_po

    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        missing = [m.id for m in read_po(f) if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    run("compile", "-d", str(TRANSLATIONS), "--statistics")
    if missing:
        print(f"{len(missing)} message(s) without an English translation:", *missing, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
