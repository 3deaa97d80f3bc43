// The page script of the `kruispunt value --report` HTML file (embedded by results/src/report.cpp).
// Reads the results from <script id="kp-data" type="application/json">, builds one Vega-Lite spec
// per chart and draws it with vega-embed (bundled into the page; nothing is fetched). Each chart
// container gets data-drawn="true" and data-marks="N" once its SVG holds N marks, or data-error;
// <body data-charts="done"> when every chart has settled. tests/report/ checks those attributes.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kp-data").textContent);
  const cur = data.meta.currency;
  const year = { field: "year", type: "quantitative", title: null, axis: { format: "d", tickMinStep: 1 },
                 scale: { nice: false } };
  const palette = ["#1f5f8b", "#d9822b", "#2e8540", "#8e44ad", "#c0392b", "#7f8c8d"];
  const techColor = { field: "technology", type: "nominal", title: "technology",
                      scale: { range: palette }, legend: { orient: "bottom" } };
  const base = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: {
      font: "Helvetica, Arial, sans-serif",
      view: { stroke: null },
      axis: { labelColor: "#333", titleColor: "#333", gridColor: "#e6e6e6", domainColor: "#999" },
      legend: { labelColor: "#333", titleColor: "#333" },
      header: { labelFontSize: 12, labelFontWeight: "bold" },
    },
  };
  const make = (spec) => Object.assign({}, base, spec);
  // axis values of a log scale: 1, 2, 5 times the powers of ten between lo and hi
  const logTicks = (lo, hi) => {
    const v = [];
    const steps = Math.log10(hi / lo) > 2 ? [1, 5] : [1, 2, 5];  // fewer labels over many decades
    for (let p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); ++p)
      for (const m of steps) { const t = m * Math.pow(10, p); if (t >= lo && t <= hi) v.push(t); }
    return v;
  };

  const specs = {
    // one row per price, one column per scenario. The y axis (shared by the scenarios) stops at 1.05 x
    // the largest P95, so that wild sample paths (cut off there) do not flatten the band and the
    // median; it is logarithmic when that P95 is more than 8 times the lowest median (a lognormal fan:
    // the median would hug the floor), the title says so. The median is labelled with its value in
    // 2030, 2040 and 2050 (or the last year).
    fan: () => make({
      vconcat: data.fan_order.filter((label) => data.fan.some((d) => d.label === label)).map((label) => {
        const rows = data.fan.filter((d) => d.label === label && (d.kind === "band" || d.path < 4));
        const bands = rows.filter((d) => d.kind === "band");
        const top = 1.05 * Math.max(...bands.map((d) => d.p95));
        const low = Math.min(...bands.map((d) => d.p5));
        const log = low > 0 && top > 8 * 1.05 * Math.min(...bands.map((d) => d.p50));
        const years = [...new Set(bands.map((d) => d.year))];
        const last = Math.max(...years);
        const marked = [2030, 2040, 2050].filter((y) => years.includes(y));
        if (last < 2050 && !marked.includes(last) && last - Math.max(0, ...marked) >= 4) marked.push(last);
        const scale = log ? { type: "log", domain: [0.8 * low, top], nice: false } : { domain: [0, top], nice: false };
        const y = (field) => ({ field: field, type: "quantitative", title: null, scale: scale,
                                axis: log ? { values: logTicks(0.8 * low, top), format: "~s" } : { tickCount: 4 } });
        const x = Object.assign({}, year, { axis: { format: "d", values: marked } });  // the labelled years
        const at = (years) => "datum.kind === 'band' && indexof(" + JSON.stringify(years) + ", datum.year) >= 0";
        const inner = marked.filter((m) => m !== last), edge = marked.filter((m) => m === last);
        // the median's value: a white halo under the text, the last year's label right-aligned
        const labels = (years, align, dx) => [{ stroke: "#fff", strokeWidth: 3, strokeOpacity: 0.9 }, {}].map((halo) => ({
          transform: [{ filter: at(years) }],
          mark: Object.assign({ type: "text", dy: -9, dx: dx, align: align, fontSize: 10, fontWeight: "bold",
                                color: "#0b3c5d" }, halo),
          encoding: { x: x, y: y("p50"), text: { field: "p50", type: "quantitative", format: ".0f" } } }));
        return {
          data: { values: rows },
          title: { text: label + (log ? " (log scale)" : ""), anchor: "start", fontSize: 13 },
          facet: { column: { field: "scenario", type: "nominal", title: null, sort: data.scenario_order,
                             header: { labelFontSize: 11 } } },
          spacing: 8,
          spec: {
            width: 152, height: 118,
            layer: [
              { transform: [{ filter: "datum.kind === 'band'" }],
                mark: { type: "area", color: "#1f5f8b", opacity: 0.16, clip: true },
                encoding: { x: x, y: y("p5"), y2: { field: "p95" } } },
              { transform: [{ filter: "datum.kind === 'path'" }],
                mark: { type: "line", strokeWidth: 0.6, opacity: 0.45, color: "#999", clip: true },
                encoding: { x: x, y: y("value"), detail: { field: "path", type: "nominal" } } },
              { transform: [{ filter: "datum.kind === 'band'" }],
                mark: { type: "line", color: "#0b3c5d", strokeWidth: 2.5, clip: true },
                encoding: { x: x, y: y("p50") } },
              { transform: [{ filter: at(marked) }],
                mark: { type: "point", filled: true, color: "#0b3c5d", size: 22, opacity: 1 },
                encoding: { x: x, y: y("p50") } },
            ].concat(labels(inner, "center", 0), labels(edge, "right", 3)),
          },
        };
      }),
    }),
    // y up to 1.2 x the case's CO2 P95 (or the highest trigger), sample paths clipped there
    boundary: () => {
      const p95 = data.fan.filter((d) => d.kind === "band" && d.scenario === data.scenario_order[0] &&
                                         d.label.startsWith("CO2")).map((d) => d.p95);
      const top = 1.2 * Math.max(1, ...p95, ...data.boundary.map((d) => d.co2));
      const y = { field: "co2", type: "quantitative", title: `CO₂ price, ${cur}/t`, scale: { domain: [0, top] } };
      return make({
        width: 640, height: 300,
        layer: [
          { data: { values: data.boundary_paths },
            mark: { type: "line", strokeWidth: 0.7, color: "#aaa", opacity: 0.7, clip: true },
            encoding: { x: year, y: y, detail: { field: "path", type: "nominal" } } },
          { data: { values: data.boundary },
            mark: { type: "line", strokeWidth: 3, point: true, interpolate: "step-after", clip: true },
            encoding: { x: year, y: y, color: techColor } },
        ],
      });
    },
    timing: () => make({
      data: { values: data.timing },
      hconcat: [
        { width: 320, height: 240, title: "probability of investing in each year",
          mark: "bar",
          encoding: { x: Object.assign({}, year, { type: "ordinal", axis: { labelAngle: 0,
                        labelExpr: "datum.value % 5 === 0 ? datum.value : ''" } }),
                      y: { field: "probability", type: "quantitative", title: null, axis: { format: "%" } },
                      color: techColor } },
        { width: 320, height: 240, title: "cumulative probability of having invested",
          mark: { type: "line", strokeWidth: 2.5, interpolate: "step-after" },
          encoding: { x: year,
                      y: { field: "cumulative", type: "quantitative", title: null, axis: { format: "%" },
                           scale: { domain: [0, 1] } },
                      color: techColor } },
      ],
    }),
    value: () => make({
      facet: { row: { field: "strategy", type: "nominal", title: null, sort: data.value_order,
                      header: { labelAngle: 0, labelAlign: "left", labelOrient: "top" } } },
      data: { values: data.value_hist.concat(data.value_means.map((m) => Object.assign({ mean_row: true }, m))) },
      spacing: 10,
      spec: {
        width: 640, height: 70,
        layer: [
          { transform: [{ filter: "!datum.mean_row" }],
            mark: { type: "bar", binSpacing: 0 },
            encoding: { x: { field: "lo", type: "quantitative", title: `present value, ${cur} million` },
                        x2: { field: "hi" },
                        y: { field: "share", type: "quantitative", title: null, axis: { format: "%", tickCount: 3 } },
                        y2: { datum: 0 },
                        color: { field: "strategy", type: "nominal", legend: null,
                                 scale: { domain: data.value_order, range: ["#1f5f8b", "#d9822b", "#7f8c8d"] } } } },
          { transform: [{ filter: "datum.mean_row" }],
            mark: { type: "rule", strokeWidth: 2, strokeDash: [5, 3], color: "#222" },
            encoding: { x: { field: "mean", type: "quantitative" } } },
        ],
      },
    }),
    emissions: () => make({
      data: { values: data.emissions },
      width: 640, height: 260,
      layer: [
        { mark: { type: "area", color: "#2e8540", opacity: 0.2 },
          encoding: { x: year, y: { field: "p5", type: "quantitative", title: "Mt CO₂ per year" },
                      y2: { field: "p95" } } },
        { mark: { type: "line", color: "#2e8540", strokeWidth: 2.5 },
          encoding: { x: year, y: { field: "mean", type: "quantitative" } } },
        { mark: { type: "line", color: "#c0392b", strokeDash: [6, 4], strokeWidth: 2 },
          encoding: { x: year, y: { field: "never", type: "quantitative" } } },
      ].concat(data.leakage ? [
        { mark: { type: "line", color: "#2e8540", strokeWidth: 1 },
          encoding: { x: year, y: { field: "mean_with_leakage", type: "quantitative" } } },
        { mark: { type: "line", color: "#c0392b", strokeDash: [2, 2], strokeWidth: 1 },
          encoding: { x: year, y: { field: "never_with_leakage", type: "quantitative" } } },
      ] : []),
    }),
    production: () => make({
      data: { values: data.production },
      width: 640, height: 220,
      mark: { type: "line", strokeWidth: 2.5, point: false },
      encoding: { x: year, y: { field: "mt", type: "quantitative", title: "Mt product per year" },
                  color: { field: "series", type: "nominal", title: null,
                           scale: { domain: ["made here", "lost (not made here)"], range: ["#1f5f8b", "#c0392b"] } },
                  tooltip: [{ field: "year" }, { field: "series" }, { field: "mt", format: ",.2f" }] },
    }),
    tornado: () => make({
      data: { values: data.tornado },
      facet: { column: { field: "measure", type: "nominal", title: null, sort: ["option value", "NPV invest now"] } },
      spec: {
        width: 250, height: { step: 22 },
        layer: [
          { mark: { type: "bar", height: { band: 0.7 } },
            encoding: { y: { field: "label", type: "nominal", title: null, sort: data.tornado_order,
                             axis: { labelLimit: 320 } },
                        x: { field: "change", type: "quantitative", title: `change, ${cur} million` },
                        color: { condition: { test: "datum.change < 0", value: "#c0392b" }, value: "#2e8540" },
                        tooltip: [{ field: "label" }, { field: "change", format: ",.1f" }, { field: "se", format: ",.1f" }] } },
          { mark: { type: "rule", color: "#222" },
            encoding: { y: { field: "label", type: "nominal", sort: data.tornado_order },
                        x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
        ],
      },
    }),
    // the optimal strategy's yearly cash flow: median, 5% and 1% levels (solid, darker = rarer), the
    // 5% level after capex (dashed), and the zero line; EUR million, undiscounted
    cfar: () => make({
      data: { values: data.cfar },
      width: 640, height: 260,
      layer: [
        { mark: { type: "rule", color: "#999", strokeWidth: 1 }, data: { values: [{ zero: 0 }] },
          encoding: { y: { field: "zero", type: "quantitative" } } },
        { mark: { type: "line", strokeWidth: 2.2, interpolate: "linear" },
          encoding: { x: year,
                      y: { field: "value", type: "quantitative", title: `cash flow in the year, ${cur} million` },
                      color: { field: "series", type: "nominal", title: null, sort: data.cfar_order,
                               scale: { domain: data.cfar_order, range: ["#1f5f8b", "#d9822b", "#c0392b", "#8e44ad"] },
                               legend: { orient: "bottom", columns: 2, labelLimit: 260 } },
                      strokeDash: { field: "series", type: "nominal", sort: data.cfar_order, legend: null,
                                    scale: { domain: data.cfar_order, range: [[1, 0], [1, 0], [1, 0], [6, 4]] } },
                      tooltip: [{ field: "year" }, { field: "series" }, { field: "value", format: ",.1f" },
                                { field: "se", title: "standard error", format: ",.1f" }] } },
      ],
    }),
    compare: () => make({
      data: { values: data.compare_long },
      facet: { column: { field: "measure", type: "nominal", title: null, sort: data.compare_measures } },
      resolve: { scale: { x: "independent" } },
      spec: {
        width: 190, height: { step: 22 },
        mark: { type: "bar", height: { band: 0.7 } },
        encoding: { y: { field: "scenario", type: "nominal", title: null, sort: data.scenario_order },
                    x: { field: "value", type: "quantitative", title: null },
                    color: { field: "decision", type: "nominal", title: "decision",
                             scale: { domain: ["invest_now", "wait", "close"], range: ["#2e8540", "#d9822b", "#c0392b"] },
                             legend: { orient: "bottom" } } },
      },
    }),
  };

  const marks = (el) => el.querySelectorAll("svg g[class*='mark-'] > path, svg g[class*='mark-'] > rect, " +
                                            "svg g[class*='mark-'] > line, svg g[class*='mark-'] path").length;
  const jobs = [];
  for (const el of document.querySelectorAll("[data-chart]")) {
    const id = el.dataset.chart;
    const build = specs[id];
    if (!build) { el.dataset.error = "no spec for chart '" + id + "'"; continue; }
    jobs.push(vegaEmbed(el, build(), { actions: false, renderer: "svg" })
      .then(() => {
        const n = marks(el);
        el.dataset.marks = String(n);
        el.dataset.drawn = n > 0 ? "true" : "false";
      })
      .catch((err) => {
        el.dataset.error = String(err);
        const p = document.createElement("p");
        p.className = "chart-error";
        p.textContent = "This chart could not be drawn: " + err;
        el.appendChild(p);
      }));
  }
  Promise.allSettled(jobs).then(() => { document.body.dataset.charts = "done"; });
})();
