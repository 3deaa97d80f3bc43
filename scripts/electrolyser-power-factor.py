#!/usr/bin/env python3
"""The power price an electrolyser running H hours a year pays, as a share of the year's mean
day-ahead price: it runs in the cheapest H hours (no ramping or storage limits). Reads
data/ember_day_ahead_hourly_NL_2019_2025.csv; prints each whole year and the mean of the years
asked for. Used for `power_price_factor` of the steelworks example's hydrogen.

  python3 scripts/electrolyser-power-factor.py [--hours 4000] [--years 2023 2024]
"""
import argparse
import csv
import os
from collections import defaultdict

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--hours", type=int, default=4000)
ap.add_argument("--years", nargs="*", default=["2023", "2024"])
ap.add_argument("--file", default=os.path.join(here, "..", "data", "ember_day_ahead_hourly_NL_2019_2025.csv"))
a = ap.parse_args()

prices = defaultdict(list)
with open(a.file, newline="") as f:
    for row in csv.DictReader(f):
        if row["price_eur_mwh"]:  # a few hours are blank in the source
            prices[row["datetime_utc"][:4]].append(float(row["price_eur_mwh"]))
factors = {}
for year, v in sorted(prices.items()):
    if len(v) < 8700:  # a partial year (the file ends in June 2025)
        print(f"{year}: {len(v)} hours, partial, skipped")
        continue
    mean = sum(v) / len(v)
    cheap = sorted(v)[: a.hours]
    factors[year] = sum(cheap) / len(cheap) / mean
    print(f"{year}: mean {mean:.2f} EUR/MWh, cheapest {a.hours} h {sum(cheap) / len(cheap):.2f}, factor {factors[year]:.3f}")
chosen = [factors[y] for y in a.years if y in factors]
print(f"mean factor over {' '.join(a.years)}: {sum(chosen) / len(chosen):.3f}")
