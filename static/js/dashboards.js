// The dashboards' charts (ECharts), drawn from the figures the page carries as JSON
// (#chart-data): the same numbers as the table under each chart, which is what the page
// falls back to without JavaScript. A left-out figure (too few cases) is a gap.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var charts = JSON.parse(source.textContent);
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var drawn = [];

  // The first value axis on the left, a second on the right: each name aligned inwards
  // so it is not cut at the chart's edge.
  function axis(spec, i) {
    return { type: "value", name: spec.name, max: spec.max === null ? undefined : spec.max,
             minInterval: 1, nameTextStyle: { align: i === 0 ? "left" : "right" } };
  }

  function draw(el) {
    var spec = charts[el.getAttribute("data-chart")];
    if (!spec) { return; }
    var chart = window.echarts.init(el, null, { locale: zh ? "ZH" : "EN", renderer: "svg" });
    chart.setOption({
      aria: { enabled: true, label: { description: spec.title } },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) { return value === null || value === undefined ? "—" : value; }
      },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.labels, axisLabel: { hideOverlap: true } },
      yAxis: spec.axes.map(axis),
      series: spec.series.map(function (s) {
        return { name: s.name, type: s.type, yAxisIndex: s.yAxisIndex, data: s.data,
                 connectNulls: false,
                 tooltip: { valueFormatter: function (v) {
                   return v === null || v === undefined ? "—" : v + s.unit; } } };
      })
    });
    drawn.push(chart);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
}());
