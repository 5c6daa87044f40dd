#!/usr/bin/env python
"""Precision and recall of the scam notes (``chat.safety``) on a labelled set, per language and per family.

    .venv/bin/python bench/scam_eval.py                      # the current rules, both parts, prints the table
    .venv/bin/python bench/scam_eval.py --check              # exit 1 if a target is missed (CI smoke)
    .venv/bin/python bench/scam_eval.py --rules-from-git 984e73c   # the rules as they were at a commit

Negatives: every CraigslistBargain chat turn (English, read at run time from --data, default
``$CRAIGSLISTBARGAIN_DIR``, ``../shared/data/craigslistbargain`` or ``/work/shared/data/craigslistbargain``;
never copied into the repository) and ``bench/scam_eval/negatives_ru.jsonl`` (Russian). Positives:
``bench/scam_eval/positives_{en,ru}.jsonl``, one scam family each; ``held_out`` marks every third one (by
id), never looked at while the rules were tuned. A message counts as flagged when ``scam_signals`` returns
any category (the recipient sees a note); "right note" also counts whether the family's own category was
among them. Every message is scored on its text alone (no sender context: the context can only add notes,
see ``chat.safety``), so the figures are a floor for recall and a ceiling for false positives.

Moderators' labels (``Report.scam_label``, set on the case page or by the queue's actions) leave the
database with ``--export-labels FILE``: one JSON line per labelled reported message, in this set's shape
(``family`` "unknown" for a scam, to be filled in). Review them for personal data (names, numbers) before
adding any to the committed files; nothing is added automatically.

Targets (issue 29): false-positive rate <= 0.2 % per language; recall >= 95 % per family on the held-out
positives. Every miss is printed. ``--check`` (CI) exits 1 when the evaluation cannot run (the English
negatives missing, unless --allow-missing-data), when the FPR target is missed, when a family's recall on
the tuning part is under 95 %, or when a family's held-out recall falls below its floor in
``bench/scam_eval/floors.json`` (the figures last measured; a floor only moves up, as the coverage floor
does). A held-out family between its floor and 95 % is reported as a missed target but does not fail CI:
the held-out part may not be tuned on, so CI cannot demand a figure no one may work towards directly.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "scam_eval"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

FPR_TARGET = 0.002
RECALL_TARGET = 0.95
ROW = "{:<9} {:<4} {:<13} {:>4} {:>4} {:>4} {:>8} {:>11}"
# The category each family's own note carries (chat.safety.NOTES keys).
FAMILY_CATEGORY = {
    "overpayment": "overpayment",
    "code_request": "code_request",
    "card_details": "card_details",
    "link": "link",
    "courier": "courier",
    "messenger": "contact",
    "prepayment": "payment",
    "deposit": "deposit",
}


def load_rules(rev: str | None):
    """Return ``scam_signals`` of the working tree, or of ``chat/safety.py`` at git revision *rev*."""
    if rev is None:
        from chat.safety import scam_signals

        return scam_signals
    source = subprocess.run(
        ["git", "show", f"{rev}:chat/safety.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"scam_rules_{rev}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"scam_rules_{rev}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.scam_signals


def craigslist_dir(given: str | None) -> Path | None:
    shared = "shared/data/craigslistbargain"
    candidates = [
        given,
        os.environ.get("CRAIGSLISTBARGAIN_DIR"),
        str(ROOT / ".." / shared),
        f"/work/{shared}",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "dev.jsonl").is_file():
            return Path(candidate)
    return None


def english_negatives(folder: Path) -> list[dict]:
    rows = []
    for name in ("dev.jsonl", "test.jsonl", "extra.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            dialogue = json.loads(line)
            for index, turn in enumerate(dialogue["turns"]):
                rows.append({"id": f"{dialogue['id']}#{index}", "text": turn["text"], "role": turn["role"]})
    return rows


def jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (SET / name).read_text(encoding="utf-8").splitlines() if line]


def export_labels(path: str) -> int:
    """Write the moderator-labelled reported messages to *path* as JSONL; return how many."""
    from chat.moderation.models import Report

    reports = Report.objects.exclude(scam_label="").filter(message__isnull=False).select_related("message")
    with open(path, "w", encoding="utf-8") as out:
        for report in reports.order_by("pk"):
            text = report.message.body
            row = {
                "id": f"report-{report.pk}",
                "lang": "ru" if any("а" <= character.lower() <= "я" for character in text) else "en",
                "label": report.scam_label,
                "family": "unknown" if report.scam_label == "scam" else None,
                "text": text,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return reports.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="CraigslistBargain folder (dev/test/extra.jsonl)")
    parser.add_argument("--rules-from-git", metavar="REV", help="score chat/safety.py as it was at REV")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--allow-missing-data", action="store_true", help="no CraigslistBargain is ok")
    parser.add_argument(
        "--show",
        type=int,
        default=0,
        help="print up to N false positives and the tuning part's misses (never held-out ones)",
    )
    parser.add_argument("--export-labels", metavar="FILE", help="write moderators' labels as JSONL and stop")
    args = parser.parse_args()
    if args.export_labels:
        print(f"{export_labels(args.export_labels)} labelled messages written to {args.export_labels}")
        return 0
    signals = load_rules(args.rules_from_git)
    failures, missed = [], []
    floors = json.loads((SET / "floors.json").read_text())

    print(f"rules: {args.rules_from_git or 'working tree'}")
    print(f"{'negatives':<12} {'messages':>9} {'flagged (FP)':>13} {'FPR':>8}  categories")
    negatives = {"ru": jsonl("negatives_ru.jsonl")}
    folder = craigslist_dir(args.data)
    if folder:
        negatives["en"] = english_negatives(folder)
    elif args.allow_missing_data:
        print("CraigslistBargain not found (--data or CRAIGSLISTBARGAIN_DIR): English negatives skipped")
    else:
        failures.append("CraigslistBargain not found (--data or CRAIGSLISTBARGAIN_DIR)")
    for lang in sorted(negatives):
        rows = negatives[lang]
        flagged = [(row, signals(row["text"])) for row in rows]
        flagged = [(row, found) for row, found in flagged if found]
        categories = Counter(category for _, found in flagged for category in found)
        rate = len(flagged) / len(rows)
        print(f"{lang:<12} {len(rows):>9} {len(flagged):>13} {rate:>8.3%}  {dict(categories.most_common())}")
        if rate > FPR_TARGET:
            missed.append(f"FPR {lang} {rate:.3%}")
            failures.append(f"FPR {lang} {rate:.3%} > {FPR_TARGET:.1%}")
        for row, found in flagged[: args.show]:
            print(f"    FP {row['id']} {found}: {row['text'][:140]!r}")

    print()
    print(ROW.format("part", "lang", "family", "n", "TP", "FN", "recall", "right note"))
    for part, held_out in (("tuning", False), ("held-out", True)):
        totals = defaultdict(lambda: [0, 0, 0])
        for lang in ("en", "ru"):
            per_family = defaultdict(lambda: [0, 0, 0])
            for row in jsonl(f"positives_{lang}.jsonl"):
                if row["held_out"] != held_out:
                    continue
                found = signals(row["text"])
                counts = per_family[row["family"]]
                counts[0] += 1
                counts[1] += bool(found)
                counts[2] += FAMILY_CATEGORY[row["family"]] in found
                if not found and args.show and not held_out:
                    print(f"    FN {row['id']} {row['family']}: {row['text'][:140]!r}")
            for family in FAMILY_CATEGORY:
                n, tp, right = per_family[family]
                for key in (lang, "all"):
                    totals[key][0] += n
                    totals[key][1] += tp
                    totals[key][2] += right
                recall = tp / n if n else 0.0
                print(
                    ROW.format(
                        part, lang, family, n, tp, n - tp, f"{recall:.1%}", f"{right / n if n else 0:.1%}"
                    )
                )
                name = f"{lang}/{family}"
                if recall < RECALL_TARGET:
                    (missed if held_out else failures).append(f"{part} recall {name} {recall:.1%}")
                if held_out and recall < floors.get(name, 0.0):
                    failures.append(f"held-out recall {name} {recall:.1%} under its floor {floors[name]:.1%}")
        for key in ("en", "ru", "all"):
            n, tp, right = totals[key]
            print(ROW.format(part, key, "(total)", n, tp, n - tp, f"{tp / n:.1%}", f"{right / n:.1%}"))
    print()
    if missed:
        print(
            f"targets missed (FPR <= {FPR_TARGET:.1%}, recall >= {RECALL_TARGET:.0%}): " + "; ".join(missed)
        )
    if failures:
        print("CHECK FAILED: " + "; ".join(failures))
    elif not missed:
        print(f"targets met: FPR <= {FPR_TARGET:.1%} per language, recall >= {RECALL_TARGET:.0%} per family")
    return 1 if failures and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
