#!/usr/bin/env python3
"""The CO2 trigger per year with and without values after the horizon (docs/valuation.md, "Value
after the horizon"): the minimal example with a plant that could run 60 more years, valued
(a) with a 20-year horizon and nothing after it, (b) with the same horizon and
valuation.after_horizon: last_year, (c) with a 60-year horizon (the prices simulated to the end of
every life; decisions still end in 2040). Writes docs/figures/after_horizon_triggers.svg and prints
the table. Usage: scripts/after-horizon-figure.py [KRUISPUNT=build/app/kruispunt]"""
import json, os, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "app", "kruispunt")
src = open(os.path.join(root, "examples", "minimal_case.yaml")).read()
src = src.replace("remaining_life_years: 25           # ASSUMPTION", "remaining_life_years: 60")
assert "remaining_life_years: 60" in src
variants = {
    "20 years, nothing after (after_horizon: none)": src,
    "20 years, after_horizon: last_year": src.replace("  discount_rate: 0.08 ", "  after_horizon: last_year\n  discount_rate: 0.08 "),
    "60 years simulated (decisions to 2040)": src.replace("horizon_years: 20", "horizon_years: 60"),
}
res = {}
with tempfile.TemporaryDirectory() as tmp:
    for name, text in variants.items():
        path = os.path.join(tmp, "case.yaml")
        open(path, "w").write(text)
        out = subprocess.run([exe, "value", path, "--json"], capture_output=True, text=True, check=True)
        res[name] = json.loads(out.stdout)
names = list(res)
print("| year | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
years = [t["year"] for t in res[names[0]]["trigger"] if t["year"] <= 2040]
for i, y in enumerate(years):
    cells = []
    for n in names:
        t = res[n]["trigger"][i]
        cells.append(f"{t['co2_price']:.1f} ± {t['std_error']:.1f}" if t["co2_price"] else t["status"])
    print(f"| {y} | " + " | ".join(cells) + " |")
for n in names:
    o = res[n]["option_value"]
    print(f"{n}: option {o['value'] / 1e6:.1f} ± {o['std_error'] / 1e6:.1f} m, never {res[n]['never_invest']['value'] / 1e6:.1f} m")

# the figure: trigger against year, one line per variant
W, H, L, R, T, B = 640, 360, 60, 20, 20, 70
ymax = 240.0
def X(y): return L + (y - years[0]) / (years[-1] - years[0]) * (W - L - R)
def Y(v): return T + (1 - v / ymax) * (H - T - B)
colours = ["#b2182b", "#2166ac", "#4d4d4d"]
dash = ["", "", "6,4"]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for v in range(0, int(ymax) + 1, 40):
    svg.append(f'<line x1="{L}" y1="{Y(v):.1f}" x2="{W - R}" y2="{Y(v):.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{L - 6}" y="{Y(v) + 4:.1f}" text-anchor="end">{v}</text>')
for y in years[::2]:
    svg.append(f'<text x="{X(y):.1f}" y="{H - B + 16}" text-anchor="middle">{y}</text>')
svg.append(f'<text x="14" y="{(H - B) / 2:.0f}" transform="rotate(-90 14 {(H - B) / 2:.0f})" text-anchor="middle">CO2 trigger, EUR/t</text>')
for k, n in enumerate(names):
    pts = [(X(y), Y(res[n]["trigger"][i]["co2_price"])) for i, y in enumerate(years) if res[n]["trigger"][i]["co2_price"]]
    svg.append(f'<polyline fill="none" stroke="{colours[k]}" stroke-width="2" stroke-dasharray="{dash[k]}" points="' +
               " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
    ly = H - B + 34 + 14 * k
    svg.append(f'<line x1="{L}" y1="{ly - 4}" x2="{L + 24}" y2="{ly - 4}" stroke="{colours[k]}" stroke-width="2" stroke-dasharray="{dash[k]}"/>')
    svg.append(f'<text x="{L + 30}" y="{ly}">{n}</text>')
svg.append("</svg>")
out = os.path.join(root, "docs", "figures", "after_horizon_triggers.svg")
open(out, "w").write("\n".join(svg) + "\n")
print("wrote", os.path.relpath(out, root))
