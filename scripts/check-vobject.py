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

With --expect RECORDS.jsonl (the canonical records the vCards were written
from, e.g. `kith convert SampleExports --to jsonl`), it also checks that
vobject reads back the values Kith wrote: each card's formatted name (when
the record has one), e-mail addresses, phone numbers and notes, in order
(line breaks compared as LF, empty values left out, as the writer does).
"""
import collections
import json
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


def expected_values(path):
    """Per contact record, in order: the values the writer puts in FN, EMAIL, TEL and NOTE."""
    def clean(v):
        return v.replace('\r\n', '\n').replace('\r', '\n')
    out = []
    for line in open(path, encoding='utf-8'):
        r = json.loads(line)
        if r.get('kind') != 'contact':
            continue
        out.append({
            'fn': clean(r.get('name', {}).get('formatted') or '') or None,
            'email': [clean(e['address']) for e in r.get('emails', []) if e.get('address')],
            'tel': [clean(p['raw']) for p in r.get('phones', []) if p.get('raw')],
            'note': [clean(n) for n in r.get('notes', []) if n],
        })
    return out


def read_back(component):
    def values(name):
        return [c.value for c in component.contents.get(name, [])]
    fn = values('fn')
    return {'fn': fn[0] if fn else None, 'email': values('email'), 'tel': values('tel'), 'note': values('note')}


def compare(path, components, expected, show):
    """Prints how many cards vobject reads with other values than were written."""
    if len(components) != len(expected):
        print(f'  --expect: {len(expected)} contacts in the records, {len(components)} cards parsed; not compared')
        return 1
    differ = 0
    examples = []
    for number, (component, want) in enumerate(zip(components, expected), 1):
        if component is None:
            continue
        got = read_back(component)
        fields = [k for k in ('fn', 'email', 'tel', 'note') if not (k == 'fn' and want['fn'] is None) and got[k] != want[k]]
        if fields:
            differ += 1
            if len(examples) < show:
                examples.append(f'{path}: card {number}: vobject reads other {", ".join(fields)} than was written')
    print(f'  --expect: {len(expected) - differ} of {len(expected)} cards read back with the values written')
    for e in examples:
        print('  ' + e)
    return differ


def check(path, show, expected=None):
    text = open(path, encoding='utf-8', newline='').read()
    found = cards(text)
    parsed = valid = 0
    errors = collections.Counter()
    examples = []
    components = []
    for number, line, card in found:
        try:
            component = vobject.readOne(card)
            parsed += 1
            components.append(component)
        except Exception as e:  # vobject raises ParseError and, on bad values, others
            kind = type(e).__name__
            errors['parse: ' + kind] += 1
            components.append(None)
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
    differ = compare(path, components, expected, show) if expected is not None else 0
    return len(found), parsed, differ


def main(argv):
    args = argv[1:]
    expected = None
    if len(args) >= 2 and args[0] == '--expect':
        expected = expected_values(args[1])
        args = args[2:]
    if not args:
        print(__doc__.strip())
        return 2
    show = 5
    total = ok = differ = 0
    for path in args:
        n, p, d = check(path, show, expected)
        total += n
        ok += p
        differ += d
    print(f'vobject {vobject.VERSION}: {ok} of {total} cards parsed' + (f', {differ} read back differently' if expected is not None else ''))
    return 0 if ok == total and differ == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
