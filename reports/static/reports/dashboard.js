// The dashboard's charts (ECharts, served from node_modules). Data comes from the page via
// json_script; no inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var instance = echarts.init(element, null, { renderer: "svg" });
    instance.setOption(option);
    charts.push(instance);
  }

  chart("trend-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: "", minInterval: 1 },
      { type: "value", name: "", minInterval: 1, splitLine: { show: false } }
    ],
    series: [
      { name: data.labels.visits, type: "bar", data: data.visits, itemStyle: { color: "#0d6efd" } },
      { name: data.labels.people_served, type: "line", yAxisIndex: 1, smooth: true, data: data.people_served,
        itemStyle: { color: "#fd7e14" } }
    ]
  });

  chart("category-chart", {
    tooltip: { trigger: "item" },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.categories.map(function (c) { return c.name; }) },
    series: [{ type: "bar", data: data.categories.map(function (c) { return c.value; }),
               itemStyle: { color: "#198754" }, label: { show: true, position: "right" } }]
  });

  // A city's counties or a province's cities side by side (each column of the table below
  // the chart opens that region's dashboard).
  ["county", "city"].forEach(function (kind) {
    var regions = data[kind === "county" ? "counties" : "cities"];
    if (!regions) { return; }
    chart(kind + "-chart", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: regions.names },
      yAxis: [
        { type: "value", name: "", minInterval: 1 },
        { type: "value", name: "", minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: data.labels.visits, type: "bar", data: regions.visits, itemStyle: { color: "#0d6efd" } },
        { name: data.labels.people_served, type: "bar", yAxisIndex: 1, data: regions.people_served,
          itemStyle: { color: "#fd7e14" } }
      ]
    });
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
