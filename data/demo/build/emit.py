#!/usr/bin/env python3
"""Write the demo record as JSON Lines in the record format of src/record/record.h.

Each line is one record revision in canonical JSON (RFC 8785: sorted members, no whitespace,
integers only), exactly the text that is signed and logged. A record's id is its kind, '-', and
the SHA-256 of that text, so references between records are computed here in loading order:
parties, sources, places, events, accounts, persons, relations. Also written: ids.tsv (the
editorial name of each record and its id) and demo-keys.txt (the public demo signing keys).
Usage: python3 emit.py [OUTDIR]   (default: data/demo)
"""
import base64, hashlib, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
import content, events
from geo import GEO, micro

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
FILED_AT = '2026-11-22T10:00:00Z'
KEY_PREFIX = 'demo.parallax.example/'

ids = {}          # internal key -> record id
lines = {}        # file -> [json text]


def canon(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(',', ':'))


def put(fname, kind, key, obj):
    obj = dict(obj)
    obj['v'] = 1
    obj['kind'] = kind
    obj['filed_at'] = FILED_AT
    text = canon(obj)
    rid = kind + '-' + hashlib.sha256(text.encode('utf-8')).hexdigest()
    if key in ids:
        raise SystemExit('duplicate key ' + key)
    ids[key] = rid
    lines.setdefault(fname, []).append(text)
    return rid


def ref(key):
    if key not in ids:
        raise SystemExit('unresolved reference ' + key)
    return ids[key]


def note_keys(name):
    seed = hashlib.sha256(('parallax demo key, public and for the demo only: ' + name).encode()).digest()
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = hashlib.sha256(name.encode() + b'\n' + b'\x01' + pub).digest()[:4].hex()
    vkey = '%s+%s+%s' % (name, kid, base64.b64encode(b'\x01' + pub).decode())
    skey = 'PRIVATE+KEY+%s+%s+%s' % (name, kid, base64.b64encode(b'\x01' + seed).decode())
    return vkey, skey


def date_range(t):
    return {'start': t[0], 'end': t[1], 'precision': t[2]}


PARTY_TYPE = {'government': 'government-body', 'de-facto-authority': 'other',
              'ombudsperson': 'ombudsperson', 'international-organization': 'international-organization',
              'ngo': 'ngo', 'individual': 'individual', 'media': 'media', 'other': 'other'}

EDITOR = 'demo-editors'
secret_lines = []

# ------------------------------------------------------------------ parties
party_rows = [(EDITOR, 'Parallax demo editors', 'other', 'none',
               'The editors who compiled this demo record from five published articles. They file the events, places and sources, '
               'and file each account on behalf of the party whose version it gives, as reported in the articles; no party named here filed or reviewed its own account.', None)] \
    + content.PARTIES
party_name = {}
for key, name, kind, affil, desc, parent in party_rows:
    vkey, skey = note_keys(KEY_PREFIX + key)
    if parent:
        pname = [p[1] for p in party_rows if p[0] == parent][0]
        desc = desc + ' Part of: ' + pname + '.'
    rec = {'name': name, 'type': PARTY_TYPE[kind], 'key': vkey, 'description': desc}
    if affil:
        rec['affiliation'] = affil
    put('parties.jsonl', 'party', key, rec)
    party_name[key] = name
    secret_lines.append('%s %s' % (key, skey))

def env(extra=None, acting_for=None, comment=None):
    d = {'filed_by': ref(EDITOR)}
    if acting_for and acting_for != EDITOR:
        d['acting_for'] = ref(acting_for)
    if comment:
        d['comment'] = comment
    if extra:
        d.update(extra)
    return d


# ------------------------------------------------------------------ sources
order = [content.A004, content.A000, content.A001, content.A002, content.A003] + \
    [k for k in content.SOURCES if k.startswith('src-a001-fn')]
for key in order:
    s = content.SOURCES[key]
    rec = {'type': s['kind'], 'title': s['title'], 'lang': s['lang']}
    if s.get('author'):
        rec['author'] = s['author']
    if s.get('outlet'):
        rec['outlet'] = s['outlet']
    if s.get('date_prec') == 'day':
        rec['published'] = s['date']
    if s.get('url'):
        rec['url'] = s['url']
    put('sources.jsonl', 'source', key, env(rec, comment=s['note']))

# ------------------------------------------------------------------ places
def place_order(places):
    done, out = set(), []
    while len(out) < len(places):
        for p in places:
            if p['key'] not in done and (p['parent'] is None or p['parent'] in done):
                out.append(p); done.add(p['key'])
    return out


for p in place_order(content.PLACES):
    names = []
    for text, lang, script, used_by, origin in p['names']:
        names.append({'name': text, 'lang': lang, 'script': script, 'used_by': [used_by]})
    rec = {'names': names, 'type': p['kind']}
    if p['parent']:
        rec['parent'] = ref(p['parent'])
    comment = p['note']
    if p.get('geonameid'):
        g = GEO[p['geonameid']]
        rec['geonameid'] = int(p['geonameid'])
        rec['coordinates'] = {'lat': micro(g[4]), 'lon': micro(g[5])}
        added = [n[0] for n in p['names'] if n[4] == 'editor']
        comment += (' Coordinates and names from GeoNames (geonameid %s, main name "%s"; CC BY 4.0)' % (p['geonameid'], g[1]))
        comment += ('; added by the editors: ' + ', '.join(added) + '.' if added else '.')
    else:
        comment += ' Names compiled by the editors; not in the GeoNames extract.'
    put('places.jsonl', 'place', p['key'], env(rec, comment=comment))

# ------------------------------------------------------------------ events
for e in events.EVENTS:
    rec = {'title': e['title'], 'type': e['type'], 'time': date_range(e['time']),
           'place': {'place': ref(e['place'][0]), 'precision': e['place'][1]}}
    if e['subtype']:
        rec['subtype'] = e['subtype']
    put('events.jsonl', 'event', e['key'], env(rec))


# ------------------------------------------------------------------ accounts
def actors(lst, srcs):
    out = []
    for name, inter, party in lst:
        a = {'name': name}
        if inter:
            a['inter'] = inter
        if party:
            a['party'] = ref(party)
        out.append(a)
    return {'actors': out, 'sources': srcs}


acc_count = {}
for a in events.ACCOUNTS:
    srcs = [ref(s) for s in a['sources']]
    cite = [ref(s) for s in a['cite']]
    claims = {}
    if a['time']:
        d = date_range(a['time']); d['sources'] = cite; claims['time'] = d
    if a['place']:
        claims['place'] = {'place': ref(a['place'][0]), 'precision': a['place'][1], 'sources': cite}
    if a['ctype']:
        t = {'type': a['ctype'][0], 'sources': cite}
        if a['ctype'][1]:
            t['subtype'] = a['ctype'][1]
        claims['type'] = t
    if a['initiators']:
        claims['initiators'] = actors(a['initiators'], cite)
    if a['targets']:
        claims['targets'] = actors(a['targets'], cite)
    if a['char']:
        claims['characterization'] = {'text': a['char'], 'lang': 'en', 'sources': cite}
    if a['casualties']:
        c = {'sources': cite}
        cas = a['casualties']
        if 'civilians' in cas:
            l, b, h = cas['civilians']; c['civilians'] = {'low': l, 'best': b, 'high': h}
        if 'military' in cas:
            c['military'] = [{'side': s, 'low': l, 'best': b, 'high': h} for s, l, b, h in cas['military']]
        claims['casualties'] = c
    if a['relations']:
        claims['relations'] = [{'type': t, 'event': ref(ev), 'sources': cite} for t, ev in a['relations']]
    rec = {'event': ref(a['event']), 'narrative': {'text': a['narrative'], 'lang': 'en'}, 'sources': srcs}
    if claims:
        rec['claims'] = claims
    n = acc_count.get((a['event'], a['party']), 0)
    acc_count[(a['event'], a['party'])] = n + 1
    key = 'acc:%s:%s:%d' % (a['event'], a['party'], n)
    put('accounts.jsonl', 'account', key, env(rec, acting_for=a['party']))

# ------------------------------------------------------------------ persons
for p in events.PERSONS:
    names = [{'name': n, 'lang': l, 'script': s, 'used_by': [u]} for n, l, s, u in p['names']]
    st = []
    for status, since, place, ev, ss in p['status']:
        st.append({'status': status, 'since': since, 'place': ref(place), 'event': ref(ev),
                   'sources': [ref(x) for x in ss]})
    put('persons.jsonl', 'person', p['key'], env({'names': names, 'status': st},
        comment='Known only from the commentary on the Lachin crisis; the detention date is known to the month (September 2021).'))

# ------------------------------------------------------------------ relations
for i, (t, frm, to, ss, note) in enumerate(events.RELATIONS):
    rec = {'type': t, 'from': ref(frm), 'to': ref(to), 'sources': [ref(x) for x in ss]}
    if note:
        rec['note'] = note
    put('relations.jsonl', 'relation', 'rel:%d' % i, env(rec))

# ------------------------------------------------------------------ write
os.makedirs(OUT, exist_ok=True)
for fname, ls in lines.items():
    with open(os.path.join(OUT, fname), 'w', encoding='utf-8') as f:
        for l in ls:
            f.write(l + '\n')
with open(os.path.join(OUT, 'demo-keys.txt'), 'w') as f:
    for l in secret_lines:
        f.write(l + '\n')
with open(os.path.join(OUT, 'ids.tsv'), 'w') as f:
    for k, v in ids.items():
        f.write('%s\t%s\n' % (k, v))
for fname, ls in lines.items():
    print(fname, len(ls))
