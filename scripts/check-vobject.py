#!/usr/bin/env python3
"""Parses the vCards Kith wrote with Python's vobject, card by card, as an
outside check on the writer (not a test dependency).

    python3 -m venv .venv-bench && .venv-bench/bin/pip install vobject
    swift run kith convert SampleExports --to vcard -o /tmp/kith-40.vcf
    swift run kith convert SampleExports --to vcard -O version=3.0 -o /tmp/kith-30.vcf
    .venv-bench/bin/python scripts/check-vobject.py /tmp/kith-40.vcf /tmp/kith-30.vcf

Each card (BEGIN:VCARD .. END:VCARD) is parsed on its own, so one bad card
is counted and the rest still are. For every file it prints the cards
found, how many vobject parsed (with its value transforms: N, ADR, base64
PHOTO…), how many of those also pass vobject's validation, and the first
errors with the card's number and line. Exit status 1 when any card failed
to parse.
"""
import collections
import sys

import vobject


def cards(text):
    """(card number, first line number, card text) for each card."""
    lines = text.split('\r\n') if '\r\n' in text else text.split('\n')
    out, start, depth = [], None, 0
    for n, line in enumerate(lines, 1):
        upper = line.upper()
        if upper.startswith('BEGIN:VCARD'):
            if depth == 0:
                start = n
            depth += 1
        elif upper.startswith('END:VCARD') and depth > 0:
            depth -= 1
            if depth == 0:
                out.append((len(out) + 1, start, '\r\n'.join(lines[start - 1:n]) + '\r\n'))
    return out


def check(path, show):
    text = open(path, encoding='utf-8', newline='').read()
    found = cards(text)
    parsed = valid = 0
    errors = collections.Counter()
    examples = []
    for number, line, card in found:
        try:
            component = vobject.readOne(card)
            parsed += 1
        except Exception as e:  # vobject raises ParseError and, on bad values, others
            kind = type(e).__name__
            errors['parse: ' + kind] += 1
            if len(examples) < show:
                examples.append(f'{path}:{line}: card {number}: parse: {kind}: {str(e)[:160]}')
            continue
        try:
            component.validate(raiseException=True)
            valid += 1
        except Exception as e:
            kind = type(e).__name__
            errors['validate: ' + kind] += 1
            if len(examples) < show:
                examples.append(f'{path}:{line}: card {number}: validate: {kind}: {str(e)[:160]}')
    print(f'{path}: {len(found)} cards, {parsed} parsed, {valid} valid, {len(found) - parsed} parse errors')
    for kind, count in errors.most_common():
        print(f'  {count:6d}  {kind}')
    for e in examples:
        print('  ' + e)
    return len(found), parsed


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip())
        return 2
    show = 5
    total = ok = 0
    for path in argv[1:]:
        n, p = check(path, show)
        total += n
        ok += p
    print(f'vobject {vobject.VERSION}: {ok} of {total} cards parsed')
    return 0 if ok == total else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
