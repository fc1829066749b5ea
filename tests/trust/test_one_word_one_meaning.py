"""One word, one meaning (issue 18): Django merges every app's catalogue and the project's into
one, and the first catalogue that has a msgid wins everywhere. So a msgid translated one way by
one app and another way by another app shows the other app's word on some page (the annual
workbook's training rows read 培训督导, the training app's word, instead of 培训). This test
reads every django.po and fails on a msgid (without a msgctxt) translated differently in two
catalogues; a word that really has two meanings carries a context (pgettext)."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def catalogues():
    return sorted(p for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
                  if ".venv" not in p.parts and "node_modules" not in p.parts)


def entries(path):
    """(msgctxt, msgid, msgstr) of each translated, non-fuzzy entry of a .po file (plural forms:
    msgid and the first msgstr)."""
    found, current, key, fuzzy = [], {}, None, False

    def flush():
        nonlocal current, fuzzy
        if current.get("msgid") and not fuzzy:
            text = current.get("msgstr") or current.get("msgstr[0]") or ""
            if text:
                found.append((current.get("msgctxt"), current["msgid"], text))
        current, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key:
                current[key] += ast.literal_eval(line)
        else:
            name, _, rest = line.partition(" ")
            if name == "msgctxt" and current.get("msgid") is not None:
                flush()
            key = name
            current[key] = ast.literal_eval(rest)
    flush()
    return found


def test_the_parser_reads_contexts_plurals_and_fuzzy(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: zh\\n"\n\nmsgctxt "menu"\nmsgid "Training"\nmsgstr "培训"\n\n'
                  '#, fuzzy\nmsgid "Old"\nmsgstr "旧"\n\nmsgid "%(n)s visit"\nmsgid_plural "%(n)s visits"\n'
                  'msgstr[0] "%(n)s 次"\n\nmsgid ""\n"Long "\n"text"\nmsgstr "长"\n', encoding="utf-8")
    assert entries(po) == [("menu", "Training", "培训"), (None, "%(n)s visit", "%(n)s 次"), (None, "Long text", "长")]


def test_a_msgid_means_one_thing_across_catalogues():
    paths = catalogues()
    assert len(paths) >= 7, paths
    meanings = defaultdict(lambda: defaultdict(set))
    for path in paths:
        language = path.parts[-3]
        for context, msgid, msgstr in entries(path):
            if context is None:
                meanings[(language, msgid)][msgstr].add(str(path.relative_to(ROOT)))
    clashes = {f"{language}: {msgid!r}": {text: sorted(where) for text, where in texts.items()}
               for (language, msgid), texts in meanings.items() if len(texts) > 1}
    assert not clashes, clashes
