"""Reading the GeoNames extract: rows by geonameid, and exact decimal-to-micro-degree conversion
(coordinates in records are integers; no floating point is involved)."""
import csv, os

# The GeoNames extract shipped beside the project (see ../shared/data/README.md).
GEONAMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'shared', 'data', 'geonames_cities500_AZ_AM.txt')
GEO = {}
with open(GEONAMES, encoding='utf-8') as f:
    for row in csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
        GEO[row[0]] = row


def micro(s):
    """'39.8177' -> 39817700: decimal degrees as text to integer micro-degrees."""
    neg = s.startswith('-')
    if neg: s = s[1:]
    whole, _, frac = s.partition('.')
    frac = (frac + '000000')[:6]
    v = int(whole) * 1000000 + int(frac)
    return -v if neg else v


def alts(gid):
    return GEO[gid][3].split(',')
