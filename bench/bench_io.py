#!/usr/bin/env python3
"""bench_io.py ROWS OUT - write a UCDP GED-like CSV of ROWS rows (49
columns, deterministic): 400 places, 60 outlets, packed sources, NA
values, quoted line breaks in where_description, five years of dates."""
import csv
import random
import sys

COLS = ("id,relid,year,active_year,code_status,type_of_violence,"
        "conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,"
        "dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
        "side_b_dset_id,side_b_new_id,side_b,number_of_sources,"
        "source_article,source_office,source_date,source_headline,"
        "source_original,where_prec,where_coordinates,where_description,"
        "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
        "country_id,region,event_clarity,date_prec,date_start,date_end,"
        "deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,"
        "gwnoa,gwnob").split(",")


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(9162)
    places = [("Place %d" % i, 38.5 + rnd.random() * 3,
               44.5 + rnd.random() * 6) for i in range(400)]
    outlets = ["Outlet %d" % i for i in range(60)]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLS)
        for i in range(n):
            name, lat, lon = places[rnd.randrange(len(places))]
            y = 2016 + rnd.randrange(5)
            m = 1 + rnd.randrange(12)
            d = 1 + rnd.randrange(28)
            date = "%04d-%02d-%02d" % (y, m, d)
            tov = rnd.choice("113")
            k = 1 + rnd.randrange(3)
            offs = [rnd.choice(outlets) for _ in range(k)]
            da, db, dc = rnd.randrange(5), rnd.randrange(5), rnd.randrange(3)
            best = da + db + dc
            side_b = "Civilians" if tov == "3" else "Armed group B"
            row = {
                "id": str(1000000 + i), "relid": "BENCH-%d" % i,
                "year": str(y), "active_year": "1", "code_status": "Clear",
                "type_of_violence": tov, "conflict_dset_id": "388",
                "conflict_new_id": "388", "conflict_name": "Bench conflict",
                "dyad_dset_id": "NA", "dyad_new_id": "NA",
                "dyad_name": "Government of A - " + side_b,
                "side_a_dset_id": "1", "side_a_new_id": "1",
                "side_a": "Government of A", "side_b_dset_id": "2",
                "side_b_new_id": "2", "side_b": side_b,
                "number_of_sources": str(k),
                "source_article": ";".join("%s,%s,report %d" % (o, date, i)
                                           for o in offs),
                "source_office": ";".join(offs),
                "source_date": ";".join([date] * k),
                "source_headline": ";".join("Report %d-%d" % (i, j)
                                            for j in range(k)),
                "source_original": "NA", "where_prec": "1",
                "where_coordinates": name + " town",
                "where_description": "near %s\nline two" % name,
                "adm_1": "District %d" % (hash(name) % 20), "adm_2": "NA",
                "latitude": "%.4f" % lat, "longitude": "%.4f" % lon,
                "geom_wkt": "POINT (%.4f %.4f)" % (lon, lat),
                "priogrid_gid": "NA", "country": "Azerbaijan",
                "country_id": "373", "region": "Europe",
                "event_clarity": "1", "date_prec": "1",
                "date_start": date, "date_end": date, "deaths_a": str(da),
                "deaths_b": str(db) if tov != "3" else "0",
                "deaths_civilians": str(dc), "deaths_unknown": "0",
                "best": str(best if tov != "3" else da + dc),
                "high": str(best + 2), "low": "0", "gwnoa": "373",
                "gwnob": "NA"}
            w.writerow([row[c] for c in COLS])


if __name__ == "__main__":
    main()
