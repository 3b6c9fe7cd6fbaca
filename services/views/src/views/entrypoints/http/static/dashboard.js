// The leadership dashboard: fetch /dashboard/data with the bearer token and draw it.
// Every text goes in with textContent, never as markup; chart tooltips are escaped too.
"use strict";

const LABELS = {
  safety_meetings: "安全生产专题会议", campaigns_active: "专项行动", inspections: "安全检查",
  safety_talks: "安全宣讲", drills: "应急演练", work_notices: "工作提示",
  charity_disbursed: "累计发放慰问物资、助学金", child_person_times: "服务孤残儿童",
  large_surveys: "大型调研", problems_solved: "解决群众实际问题", home_modifications: "适老化改造",
  meal_points_built: "新建助餐服务点", volunteer_corps: "银龄行动总队", volunteer_branches: "银龄行动分队",
};
const EXTRAS = {
  hazards_found_ytd: "今年排查隐患", hazards_open: "未销号隐患", hazards_overdue: "逾期隐患",
  meals_served_ytd: "今年助餐人次", wristbands_active: "在用黄手环",
  volunteer_services_ytd: "志愿服务次数", volunteer_minutes_ytd: "志愿服务分钟",
  charity_disbursed_ytd_minor: "今年发放金额（分）",
};
const NOTIFY = {
  sent: "已发送", with_failed_attempt: "曾投递失败", failing_now: "重试中",
  undeliverable: "无法送达", acknowledged: "已确认",
};

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function token() {
  const match = /(?:^|&)token=([^&]+)/.exec(location.hash.slice(1));
  if (match) {
    sessionStorage.setItem("views-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("views-token");
}

function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = false;
}

function cards(report) {
  const box = document.getElementById("cards");
  box.replaceChildren();
  for (const section of report.sections) {
    for (const m of section.metrics) {
      const card = el("div", { class: "card", "data-metric": m.key });
      card.append(el("div", { class: "label" }, LABELS[m.key] || m.key));
      card.append(el("div", { class: "display" }, m.display || "—"));
      const raw = m.value_minor !== undefined ? m.value_minor : m.value;
      card.append(el("div", { class: "value", "data-value": String(raw) }, (m.value_minor !== undefined ? "金额（分）" : "数值") + "：" + raw));
      box.append(card);
    }
  }
  const text = document.getElementById("report-text");
  text.replaceChildren(...report.text.split("\n").map((line) => el("p", {}, line)));
}

function figures(id, data, labels) {
  const box = document.getElementById(id);
  box.replaceChildren();
  for (const [key, label] of Object.entries(labels)) {
    if (data[key] === undefined) continue;
    const row = el("div", { "data-figure": key });
    row.append(el("dt", {}, label), el("dd", {}, data[key]));
    box.append(row);
  }
}

function tooltip(params) {
  const list = Array.isArray(params) ? params : [params];
  const head = list.length ? escapeHtml(list[0].name) : "";
  return [head, ...list.map((p) => escapeHtml(p.seriesName) + "：" + escapeHtml(p.value))].join("<br>");
}

function chart(id, option) {
  const node = document.getElementById(id);
  const existing = echarts.getInstanceByDom(node);
  const instance = existing || echarts.init(node, null, { renderer: "svg" });
  instance.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis", formatter: tooltip },
    grid: { left: 48, right: 16, top: 36, bottom: 64 }, legend: { top: 0 } }, option), true);
  return instance;
}

function bars(id, names, series, rotate) {
  return chart(id, {
    xAxis: { type: "category", data: names, axisLabel: { rotate: rotate || 0, interval: 0, fontSize: 10 } },
    yAxis: { type: "value" },
    series: series.map(([name, data]) => ({ name, type: "bar", data })),
  });
}

function draw(data) {
  document.getElementById("as-of").textContent = `${data.year}年 · 统计截至 ${data.as_of}（Asia/Shanghai）`;
  cards(data.report);
  figures("extras", data.report.extras, EXTRAS);
  figures("notify-figures", data.notifications.totals, NOTIFY);
  const sites = data.hazards_by_site;
  bars("chart-sites", sites.map((s) => s.name || "未知机构"), [["未销号", sites.map((s) => s.open)], ["逾期", sites.map((s) => s.overdue)]], 30);
  const camps = data.hazards_by_campaign;
  bars("chart-campaigns", camps.map((c) => c.code ? `${c.code} ${c.name}` : "未关联行动"), [
    ["今年排查", camps.map((c) => c.found_ytd)], ["未销号", camps.map((c) => c.open)], ["逾期", camps.map((c) => c.overdue)]], 30);
  const months = data.by_month;
  chart("chart-months", {
    xAxis: { type: "category", data: months.map((m) => m.month) },
    yAxis: [{ type: "value", name: "户" }, { type: "value", name: "人次" }],
    series: [
      { name: "适老化改造验收（户）", type: "bar", data: months.map((m) => m.home_modifications) },
      { name: "助餐（人次）", type: "line", yAxisIndex: 1, data: months.map((m) => m.meals) },
    ],
  });
  const funds = data.funds_by_project;
  bars("chart-funds", funds.map((f) => f.name), [
    ["安排（万元）", funds.map((f) => Math.round(f.allocated_minor / 1e4) / 100)],
    ["拨付（万元）", funds.map((f) => Math.round(f.disbursed_minor / 1e4) / 100)]], 30);
  const t = data.notifications.totals;
  chart("chart-notify", {
    tooltip: { trigger: "item", formatter: (p) => escapeHtml(p.name) + "：" + escapeHtml(p.value) },
    xAxis: { show: false }, yAxis: { show: false }, legend: { top: 0 },
    series: [{ name: "通知", type: "pie", radius: ["35%", "65%"], data: [
      { name: "已送达未确认", value: Math.max(0, t.sent - t.acknowledged - t.undeliverable) },
      { name: "已确认", value: t.acknowledged }, { name: "无法送达", value: t.undeliverable },
      { name: "重试中", value: t.failing_now }] }],
  });
  document.getElementById("board").hidden = false;
  document.body.dataset.rendered = "true";
}

async function load() {
  const bearer = token();
  if (!bearer) {
    document.getElementById("as-of").textContent = "请输入访问令牌";
    document.getElementById("login").hidden = false;
    return;
  }
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams();
  for (const key of ["year", "as_of"]) if (params.get(key)) query.set(key, params.get(key));
  try {
    const response = await fetch("/dashboard/data?" + query.toString(), { headers: { Authorization: "Bearer " + bearer } });
    const body = await response.json();
    if (!response.ok) {
      if (response.status === 401) sessionStorage.removeItem("views-token");
      showError(body.detail || "加载失败");
      return;
    }
    if (typeof echarts === "undefined") showError("图表库未加载，仅显示数字");
    else draw(body);
    if (typeof echarts === "undefined") { cards(body.report); document.getElementById("board").hidden = false; }
  } catch (err) {
    showError("加载失败：" + err);
  }
}

document.getElementById("login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("views-token", document.getElementById("token").value);
  document.getElementById("login").hidden = true;
  load();
});
window.addEventListener("resize", () => {
  for (const node of document.querySelectorAll(".chart")) {
    const instance = typeof echarts !== "undefined" && echarts.getInstanceByDom(node);
    if (instance) instance.resize();
  }
});
load();
