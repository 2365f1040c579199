// 离线表格：检查、自动保存到本机、已保存记录、导出 CSV。不向任何网站发出请求。
(function () {
  "use strict";
  var spec = JSON.parse(document.getElementById("yz-spec").textContent);
  var form = document.getElementById("yz-form");
  var draftKey = "yizhan-form-" + spec.code + "-draft";
  var entriesKey = "yizhan-form-" + spec.code + "-entries";
  var SEP = "；";
  var byKey = {};
  spec.fields.forEach(function (f) { byKey[f.key] = f; });

  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function fetchStored(key, fallback) {
    try { var v = localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function inputs(key) { return form.querySelectorAll('[name="' + key + '"]'); }

  function read() {
    var answers = {};
    spec.fields.forEach(function (f) {
      var els = inputs(f.key);
      if (f.choices) {
        var picked = [];
        els.forEach(function (el) { if (el.checked) { picked.push(el.value); } });
        answers[f.key] = picked.join(SEP);
      } else {
        answers[f.key] = els.length ? els[0].value.trim() : "";
      }
    });
    return answers;
  }
  function fill(answers) {
    spec.fields.forEach(function (f) {
      var value = answers[f.key] !== undefined ? answers[f.key] : (f["default"] || "");
      var els = inputs(f.key);
      if (f.choices) {
        var parts = value ? value.split(SEP) : [];
        els.forEach(function (el) { el.checked = parts.indexOf(el.value) >= 0; });
      } else if (els.length) {
        els[0].value = value;
      }
    });
  }

  function shown(f, answers) {
    if (!f.when) { return true; }
    var given = answers[f.when.field] ? answers[f.when.field].split(SEP) : [];
    return f.when.values.some(function (v) { return given.indexOf(v) >= 0; }) && shown(byKey[f.when.field] || {}, answers);
  }

  // The number rules and the wording come from the Python side (yizhan/numbers.py, messages.py), never written here.
  var rules = window.yizhanRules(spec.rules), say = rules.say;
  function problem(f, v, answers) {
    if (!v) { return f.required ? say("required", { title: f.label }) : ""; }
    if (f.kind === "id_number") { return rules.idProblem(v); }
    if (f.kind === "phone") { return rules.phoneProblem(v); }
    if (f.kind === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(v)) { return say("date"); }
    var earlier = f.not_before ? answers[f.not_before.key] : "";
    if (earlier && /^\d{4}-\d{2}-\d{2}$/.test(earlier) && v < earlier) { return say("not_before", { title: f.not_before.title }); }
    if (f.kind === "integer" && !/^-?\d+$/.test(v)) { return say("integer"); }
    if ((f.kind === "decimal" || f.kind === "money") && !/^-?\d+(\.\d+)?$/.test(v)) { return say("number"); }
    if (f.min !== undefined && +v < f.min) { return say("minimum", { minimum: f.min }); }
    if (f.max !== undefined && +v > f.max) { return say("maximum", { maximum: f.max }); }
    if (f.min_length !== undefined && v.length < f.min_length) { return say("min_length", { count: f.min_length }); }
    if (f.max_length !== undefined && v.length > f.max_length) { return say("max_length", { count: f.max_length }); }
    if (f.pattern && !new RegExp(f.pattern).test(v)) { return f.hint ? say("pattern") + "：" + f.hint : say("pattern"); }
    if (f.choices && f.kind !== "multi" && f.choices.indexOf(v) < 0) { return say("choice"); }
    return "";
  }
  function check(answers) {
    var errors = [];
    spec.fields.forEach(function (f) {
      if (!shown(f, answers)) { return; }
      var message = problem(f, answers[f.key], answers);
      if (message) { errors.push({ field: f, message: message }); }
    });
    return errors;
  }

  function wrapper(key) { return form.querySelector('.fld[data-key="' + key + '"]'); }
  function applyConditions(answers) {
    spec.fields.forEach(function (f) {
      var el = wrapper(f.key);
      if (el) { el.hidden = !shown(f, answers); }
    });
    form.querySelectorAll(".fld[data-when]").forEach(function (el) {
      var cells = spec.fields.filter(function (f) { return f.key.indexOf(el.getAttribute("data-key") + "_") === 0; });
      el.hidden = cells.length > 0 && !shown(cells[0], answers);
    });
  }
  function showErrors(errors, withSummary) {
    spec.fields.forEach(function (f) {
      var box = document.getElementById("e-" + f.key);
      if (box) { box.textContent = ""; }
      var el = wrapper(f.key);
      if (el) { el.classList.remove("invalid"); }
    });
    errors.forEach(function (e) {
      document.getElementById("e-" + e.field.key).textContent = e.message;
      wrapper(e.field.key).classList.add("invalid");
    });
    var summary = document.getElementById("summary");
    if (!withSummary) { return; }
    var list = document.getElementById("summary-list");
    list.textContent = "";
    errors.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#f-" + e.field.key;
      a.textContent = e.field.label + "：" + e.message;
      li.appendChild(a);
      list.appendChild(li);
    });
    document.getElementById("summary-count").textContent = errors.length;
    summary.hidden = errors.length === 0;
    if (errors.length) { summary.focus(); }
  }

  var touched = {};
  function onChange(event) {
    var answers = read();
    if (event && event.target && event.target.name) { touched[event.target.name] = true; }
    applyConditions(answers);
    store(draftKey, answers);
    var errors = check(answers).filter(function (e) { return touched[e.field.key] && answers[e.field.key]; });
    showErrors(errors, !document.getElementById("summary").hidden);
  }

  function entries() { return fetchStored(entriesKey, []); }
  function preview(answers) {
    return spec.fields.filter(function (f) { return answers[f.key]; }).slice(0, 3)
      .map(function (f) { return f.title + "：" + answers[f.key]; }).join("；");
  }
  function renderEntries() {
    var list = entries();
    var body = document.querySelector("#entries tbody");
    body.textContent = "";
    list.forEach(function (entry, index) {
      var tr = document.createElement("tr");
      [String(index + 1), entry.id || "", entry.saved, preview(entry.answers)].forEach(function (text) {
        var td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
      });
      var td = document.createElement("td");
      var del = document.createElement("button");
      del.type = "button"; del.className = "secondary"; del.textContent = "删除";
      del.addEventListener("click", function () {
        if (!window.confirm("确定删除第 " + (index + 1) + " 条记录吗？")) { return; }
        var now = entries(); now.splice(index, 1); store(entriesKey, now); renderEntries();
      });
      td.appendChild(del); tr.appendChild(td); body.appendChild(tr);
    });
    document.getElementById("entry-count").textContent = list.length;
  }
  function say(text) {
    var status = document.getElementById("status");
    status.textContent = text; status.hidden = false;
  }

  function csvCell(value) {
    value = value === undefined || value === null ? "" : String(value);
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  function exportCsv() {
    var list = entries();
    if (!list.length) { say("还没有保存的记录，请先填写、核对并确认保存。"); return; }
    var head = spec.fields.map(function (f) { return csvCell(f.title); });
    var lines = [head.concat([csvCell(spec.idTitle), csvCell(spec.versionTitle)]).join(",")];
    list.forEach(function (entry) {
      lines.push(spec.fields.map(function (f) {
        return csvCell(shown(f, entry.answers) ? entry.answers[f.key] : "");
      }).concat([csvCell(entry.id || ""), csvCell(spec.version)]).join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = spec.code + "-" + new Date().toISOString().slice(0, 10) + ".csv";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    say("已导出 " + list.length + " 条记录。");
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var review = document.getElementById("review");
  var done = document.getElementById("done");
  var pending = null;
  // A record number a person can read out: form code, date, four characters that are hard to confuse.
  function recordId(now) {
    var letters = "23456789ABCDEFGHJKMNPQRSTUVWXYZ", tail = "", bytes = new Uint8Array(4);
    if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(bytes); }
    else { for (var i = 0; i < 4; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    for (var j = 0; j < 4; j++) { tail += letters.charAt(bytes[j] % letters.length); }
    return spec.code.toUpperCase() + "-" + now.getFullYear() + pad(now.getMonth() + 1) + pad(now.getDate()) + "-" + tail;
  }
  function show(section) {
    [form, review, done].forEach(function (el) { el.hidden = el !== section; });
    var heading = section.querySelector("h2");
    if (heading) { heading.focus(); }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = read();
    var errors = check(answers);
    showErrors(errors, true);
    if (errors.length) { return; }
    spec.fields.forEach(function (f) { if (!shown(f, answers)) { answers[f.key] = ""; } });
    pending = answers;
    var list = document.getElementById("review-list");
    list.textContent = "";
    spec.fields.forEach(function (f) {
      if (!answers[f.key]) { return; }
      var dt = document.createElement("dt"); dt.textContent = f.label;
      var dd = document.createElement("dd"); dd.textContent = answers[f.key];
      list.appendChild(dt); list.appendChild(dd);
    });
    show(review);
  });
  document.getElementById("back").addEventListener("click", function () { pending = null; show(form); });
  document.getElementById("confirm").addEventListener("click", function () {
    if (!pending) { show(form); return; }
    var list = entries();
    var now = new Date();
    var saved = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " + pad(now.getHours()) + ":" + pad(now.getMinutes());
    var id = recordId(now);
    list.push({ id: id, saved: saved, answers: pending });
    if (!store(entriesKey, list)) { say("保存失败：浏览器存储空间已满或被禁用，请先导出CSV。"); show(form); return; }
    pending = null;
    fill({}); touched = {}; store(draftKey, read()); applyConditions(read());
    renderEntries();
    document.getElementById("record-id").textContent = id;
    show(done);
  });
  document.getElementById("next").addEventListener("click", function () { show(form); });
  document.getElementById("clear").addEventListener("click", function () {
    fill({}); touched = {}; store(draftKey, read()); applyConditions(read()); showErrors([], true);
  });
  document.getElementById("export").addEventListener("click", exportCsv);

  fill(fetchStored(draftKey, {}));
  applyConditions(read());
  renderEntries();
})();
