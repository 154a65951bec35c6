// The supervision wall screen: data from /v1/board, live changes from /v1/stream (SSE).
(function () {
  "use strict";
  var TOKEN_KEY = "onewindow.supervision.token";
  var COLORS = { green: "#2bb673", yellow: "#f2c230", red: "#e8453c" };
  var NAMES = { green: "绿灯", yellow: "黄灯", red: "红灯" };
  var charts = {};
  var stream = null;
  var pending = null;
  var flashed = {};

  function takeTokenFromAddress() {
    var params = new URLSearchParams(window.location.search);
    var token = params.get("token");
    if (token) {
      localStorage.setItem(TOKEN_KEY, token);
      params.delete("token");
      var rest = params.toString();
      history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
    }
  }

  function token() { return localStorage.getItem(TOKEN_KEY); }

  function showLogin(message) {
    document.getElementById("login").hidden = false;
    document.getElementById("login-error").textContent = message || "";
  }

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  function formatDeadline(iso) {
    var d = new Date(iso);
    return d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false,
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  }

  function remainingText(days) {
    return days < 0 ? "超时 " + (-days).toFixed(2) + " 个工作日" : "剩余 " + days.toFixed(2) + " 个工作日";
  }

  function renderTotals(totals) {
    ["green", "yellow", "red"].forEach(function (c) {
      document.getElementById("total-" + c).textContent = totals[c];
    });
  }

  function renderWarnings(warnings) {
    var body = document.querySelector("#warnings tbody");
    body.innerHTML = "";
    warnings.forEach(function (w) {
      var row = document.createElement("tr");
      var key = w.case_id + "/" + w.part;
      row.dataset.caseId = w.case_id;
      row.dataset.caseNo = text(w.case_no);
      row.dataset.color = w.color;
      if (flashed[key]) { row.className = "flash"; }
      var cells = [
        '<span class="dot ' + w.color + '"></span>' + NAMES[w.color],
        text(w.case_no || w.case_id),
        text(w.item_name) + (w.part === "delivery" ? "（送达时限）" : w.part ? "（联办：" + w.part + "）" : ""),
        text(w.department_name),
        text(w.center_name),
        remainingText(w.remaining) + (w.paused ? "（暂停中）" : ""),
        formatDeadline(w.deadline)
      ];
      cells.forEach(function (html, i) {
        var cell = document.createElement("td");
        if (i === 0) { cell.innerHTML = html; } else { cell.textContent = html; }
        if (i === 5) { cell.className = "remaining " + w.color; }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    flashed = {};
    document.getElementById("no-warnings").hidden = warnings.length > 0;
  }

  // Art. 32: online submissions nobody judged, the soonest to count as accepted first.
  function renderAcceptanceDue(due) {
    var body = document.querySelector("#acceptance-due tbody");
    body.innerHTML = "";
    due.forEach(function (d) {
      var row = document.createElement("tr");
      row.dataset.caseId = d.case_id;
      row.dataset.caseNo = text(d.case_no);
      [text(d.case_no || d.case_id), text(d.item_name), text(d.department_name),
        formatDeadline(d.received_at), formatDeadline(d.deemed_at),
        d.remaining < 0 ? "已到期" : remainingText(d.remaining)
      ].forEach(function (value, i) {
        var cell = document.createElement("td");
        cell.textContent = value;
        if (i === 5) { cell.className = "remaining " + (d.remaining < 1 ? "red" : "yellow"); }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    document.getElementById("no-acceptance-due").hidden = due.length > 0;
  }

  function stackedBars(el, rows) {
    var chart = charts[el] || (charts[el] = echarts.init(document.getElementById(el), "dark"));
    chart.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: ["绿灯", "黄灯", "红灯"], textStyle: { fontSize: 14 } },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      series: ["green", "yellow", "red"].map(function (c) {
        return { name: NAMES[c], type: "bar", stack: "lights", itemStyle: { color: COLORS[c] },
          label: { show: true, formatter: function (p) { return p.value || ""; } },
          data: rows.map(function (r) { return r[c]; }) };
      })
    }, true);
  }

  function trendLine(points) {
    var chart = charts.trend || (charts.trend = echarts.init(document.getElementById("chart-trend"), "dark"));
    function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }
    function line(name, key, color) {
      // Every point drawn (a fresh center may have a single day with a value), gaps bridged.
      return { name: name, type: "line", smooth: true, connectNulls: true, showSymbol: true,
        showAllSymbol: true, symbolSize: 8, itemStyle: { color: color }, yAxisIndex: 0,
        data: points.map(function (p) { return pct(p[key]); }) };
    }
    chart.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: ["按期办结率", "提前办结率", "办结件数"] },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: points.map(function (p) { return p.day.slice(5); }) },
      yAxis: [
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        { type: "value", minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: "办结件数", type: "bar", yAxisIndex: 1, barMaxWidth: 18,
          itemStyle: { color: "rgba(143, 163, 191, 0.35)" },
          data: points.map(function (p) { return p.completed; }) },
        line("按期办结率", "on_time_rate", COLORS.green),
        line("提前办结率", "early_rate", "#4aa3df")
      ]
    }, true);
  }

  function render(board) {
    document.getElementById("as-of").textContent = "数据时间 " + formatDeadline(board.as_of);
    renderTotals(board.totals);
    renderWarnings(board.warnings);
    renderAcceptanceDue(board.acceptance_due || []);
    stackedBars("chart-departments", board.by_department);
    stackedBars("chart-centers", board.by_center);
    trendLine(board.trend);
    document.body.dataset.loaded = "true";
  }

  function refresh() {
    pending = null;
    fetch("/v1/board", { headers: { Authorization: "Bearer " + token() } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          return response.json().then(function (problem) {
            localStorage.removeItem(TOKEN_KEY);
            showLogin("令牌无效：" + problem.detail);
            return null;
          });
        }
        return response.json();
      })
      .then(function (board) { if (board) { render(board); } })
      .catch(function () { document.getElementById("live").textContent = "数据获取失败，稍后重试"; });
  }

  function soon() { if (!pending) { pending = setTimeout(refresh, 300); } }

  function setLive(on) {
    var live = document.getElementById("live");
    live.className = "live " + (on ? "on" : "off");
    live.textContent = on ? "实时推送" : "重新连接中…";
  }

  function listen() {
    if (stream) { stream.close(); }
    stream = new EventSource("/v1/stream?token=" + encodeURIComponent(token()));
    stream.onopen = function () { setLive(true); };
    stream.onerror = function () { setLive(false); };
    ["light", "warning"].forEach(function (kind) {
      stream.addEventListener(kind, function (message) {
        var change = JSON.parse(message.data);
        flashed[change.case_id + "/" + (change.part || "")] = true;
        soon();
      });
    });
  }

  function start() {
    document.getElementById("login").hidden = true;
    refresh();
    listen();
  }

  document.getElementById("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = document.getElementById("token-input").value.trim().replace(/^Bearer\s+/i, "");
    if (value) { localStorage.setItem(TOKEN_KEY, value); start(); }
  });
  document.getElementById("logout").addEventListener("click", function () {
    localStorage.removeItem(TOKEN_KEY);
    if (stream) { stream.close(); }
    showLogin("");
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  setInterval(refresh, 60000);  // remaining time moves on even when no light changes

  takeTokenFromAddress();
  if (token()) { start(); } else { showLogin(""); }
})();
