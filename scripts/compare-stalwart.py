#!/usr/bin/env python3
"""Compares Kith's mail import with Stalwart mail-parser's expected JSON
(top-level From/To/Cc addresses and names, Subject, Date, Message-ID).

    cd ../shared/corpus && kith convert --format mail --to jsonl -q \
        mail/stalwartlabs+mail-parser/resources/eml/*/*.eml > /tmp/stalwart.jsonl
    python3 scripts/compare-stalwart.py /tmp/stalwart.jsonl [EXAMPLES] [CORPUS_DIR]

Source paths in the JSON Lines must be relative to CORPUS_DIR (default
../shared/corpus). Prints counts, then each kind of difference with examples.
"""
import json, sys, glob, os, datetime as dt, collections
root = (sys.argv[3] if len(sys.argv) > 3 else '../shared/corpus').rstrip('/') + '/'
ours = collections.defaultdict(list)
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r['kind'] == 'interaction':
        ours[r['sources'][0]['file']].append(r)
def addrs(v):
    out = []
    if not isinstance(v, dict): return out
    a = v.get('Address')
    if not a: return out
    if 'List' in a:
        for x in a['List']: out.append(((x.get('name') or None), (x.get('address') or None)))
    if 'Group' in a:
        for g in a['Group']:
            for x in g.get('addresses', []): out.append(((x.get('name') or None), (x.get('address') or None)))
    return out
stats = collections.Counter(); diffs = collections.defaultdict(list)
for js in sorted(glob.glob(root + 'mail/stalwartlabs+mail-parser/resources/eml/*/*.json')):
    if js.endswith('.crlf.json'): continue
    eml = js[:-5] + '.eml'
    rel = os.path.relpath(eml, root)
    if not os.path.exists(eml): continue
    exp = json.load(open(js))
    hs = {}
    for h in exp['parts'][0]['headers']:
        n = h['name'] if isinstance(h['name'], str) else None
        if n and n not in hs: hs[n] = h['value']
    mine = ours.get(rel)
    stats['files'] += 1
    if not mine:
        diffs['no interaction'].append(rel); continue
    m = mine[0]
    def part(role): return [(p.get('name'), p.get('email')) for p in m['participants'] if p['role'] == role]
    for key, role in (('from', 'from'), ('to', 'to'), ('cc', 'cc')):
        e = addrs(hs.get(key)); o = part(role)
        ea = [ (x[1] or '').lower() for x in e]; oa = [(x[1] or '').lower() for x in o]
        stats[key + ' checked'] += 1
        if ea != oa: diffs[key + ' address'].append((rel, e, o))
        elif [x[0] for x in e] != [x[0] for x in o]: diffs[key + ' name'].append((rel, [x[0] for x in e], [x[0] for x in o]))
    s = hs.get('subject'); es = s.get('Text') if isinstance(s, dict) else None
    if es is not None: es = ' '.join(es.split()) or None
    stats['subject checked'] += 1
    if es != m.get('subject'): diffs['subject'].append((rel, es, m.get('subject')))
    d = hs.get('date')
    if isinstance(d, dict) and 'DateTime' in d:
        x = d['DateTime']
        try:
            off = (x['tz_hour'] * 60 + x['tz_minute']) * (-1 if x['tz_before_gmt'] else 1)
            t = dt.datetime(x['year'], x['month'], x['day'], x['hour'], x['minute'], x['second']) - dt.timedelta(minutes=off)
            ed = t.strftime('%Y-%m-%dT%H:%M:%SZ')
        except Exception as ex:
            ed = 'invalid'
        stats['date checked'] += 1
        if ed != m.get('timestamp'): diffs['date'].append((rel, ed, m.get('timestamp'), x))
    mid = hs.get('message_id'); em = mid.get('Text') if isinstance(mid, dict) else None
    stats['message-id checked'] += 1
    if em != m.get('messageId'): diffs['message-id'].append((rel, em, m.get('messageId')))
print(dict(stats))
for k, v in diffs.items():
    print('==', k, len(v))
    for x in v[:int(sys.argv[2]) if len(sys.argv) > 2 else 6]: print('  ', str(x)[:400])
