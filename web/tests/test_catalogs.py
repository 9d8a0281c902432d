"""Polish first, English second: every message in the templates and code has its English translation, and the
compiled catalogues are the ones the .po files give (web/tools/catalogs.py refreshes both)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[1]
TRANSLATIONS = WEB / "src" / "glos_web" / "translations"


def test_every_message_has_an_english_translation_and_the_compiled_catalogues_match(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "src/glos_web"], cwd=WEB, check=True, capture_output=True)
    with open(pot, "rb") as f:
        wanted = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(f) if m.id}
    assert len(wanted) > 300
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        english = {(m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in read_po(f) if m.id}
    missing = sorted(str(m) for m in wanted
                     if not english.get(m) or not all([english[m]] if isinstance(english[m], str) else english[m]))
    assert not missing, f"no English for: {missing[:20]}"
    for language in ("en", "pl"):
        with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
            source = {(m.id if isinstance(m.id, str) else tuple(m.id)):
                      (m.string if isinstance(m.string, str) else tuple(m.string))
                      for m in read_po(f) if m.id and m.string and any(m.string)}
        with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
            compiled = {(m.id if isinstance(m.id, str) else tuple(m.id)):
                        (m.string if isinstance(m.string, str) else tuple(m.string)) for m in read_mo(f) if m.id}
        assert compiled == source, f"{language}: messages.mo is stale; run web/tools/catalogs.py"


def test_polish_plurals_have_three_forms():
    with open(TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    assert catalog.num_plurals == 3
    forms = {m.id[0]: m.string for m in catalog if isinstance(m.id, tuple)}
    assert forms["%(num)d projekt"] == ("%(num)d projekt", "%(num)d projekty", "%(num)d projektów")
    import gettext

    plural = gettext.c2py(catalog.plural_expr)  # the expression gettext itself will evaluate
    assert [plural(n) for n in (1, 2, 5, 12, 22, 25)] == [0, 1, 2, 2, 1, 2]
