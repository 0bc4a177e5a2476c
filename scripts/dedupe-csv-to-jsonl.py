#!/usr/bin/env python3
"""Convert the shared dedupe corpus CSVs (FEBRL, gen_contacts.py) to Kith JSON Lines.

    python3 scripts/dedupe-csv-to-jsonl.py IN.csv [IN2.csv ...] OUT.jsonl

A stop-gap for benchmarking `kith consolidate` before the CSV plugin reads
these files itself. Standard library only. FEBRL columns map to name, postal
address, birthday and the `soc_sec_id` extension; gen_contacts.py columns to
name, e-mails, phones (a lone ";ext=N" part joins the number before it),
organisation and city. The record id column becomes Provenance.recordId.
"""
import calendar
import csv
import json
import sys


def febrl(r, c):
    name = {k: v for k, v in (("given", r["given_name"]), ("family", r["surname"])) if v}
    c["name"] = name
    street = " ".join(x for x in (r["street_number"], r["address_1"]) if x)
    addr = {k: v for k, v in (("street", street), ("extended", r["address_2"]), ("locality", r["suburb"]),
                              ("postalCode", r["postcode"]), ("region", r["state"])) if v}
    if addr:
        c["addresses"] = [dict(addr, labels=[], preferred=False)]
    d = r["date_of_birth"]
    if len(d) == 8 and d.isdigit():
        y, m, dd = int(d[:4]), int(d[4:6]), int(d[6:])
        if 1 <= m <= 12 and 1 <= dd <= (calendar.monthrange(y, m)[1] if y > 0 else 31):
            c["birthday"] = "%04d-%02d-%02d" % (y, m, dd)
    if r["soc_sec_id"]:
        c["extensions"] = {"soc_sec_id": [r["soc_sec_id"]]}


def synth(r, c):
    c["name"] = {ck: r[k] for k, ck in (("full_name", "formatted"), ("given_name", "given"),
                                        ("family_name", "family"), ("middle_name", "middle")) if r[k]}
    c["emails"] = [{"address": e, "labels": [], "preferred": False} for e in r["emails"].split(";") if e]
    phones = []
    for p in r["phones"].split(";"):
        if not p:
            continue
        if p.startswith("ext=") and phones:
            phones[-1]["raw"] += ";" + p
            continue
        phones.append({"raw": p, "labels": [], "preferred": False})
    c["phones"] = phones
    if r["org"] or r["title"]:
        c["organizations"] = [{k: v for k, v in (("name", r["org"]), ("title", r["title"])) if v}]
    if r["city"]:
        c["addresses"] = [{"locality": r["city"], "labels": [], "preferred": False}]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[-1], "w", encoding="utf-8") as out:
        for path in sys.argv[1:-1]:
            with open(path, newline="", encoding="utf-8") as f:
                for n, r in enumerate(csv.DictReader(f)):
                    rid = r.get("record_id") or r.get("rec_id")
                    prov = {"plugin": "csv", "file": path, "locator": {"line": n + 2, "record": n + 1}, "recordId": rid}
                    c = {"kind": "contact", "id": "csv:%s" % rid, "type": "individual", "sources": [prov]}
                    (febrl if "rec_id" in r else synth)(r, c)
                    out.write(json.dumps(c, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
