/* 政策找人：读点选的答案，和生成程序给出的条件（guide/guide-data.js，来自各政策 YAML 的 conditions）比对，
   列出可能适合的政策、理由、材料和到哪里办。这里不写任何条件：一组条件里每个问题的答案都对上，就算可能适合。
   页面上的中文都来自页面里的 yz-guide-words。 */
(function () {
  "use strict";

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  /* 答案：问题 → 选中的选项；一组条件要求的每个问题都有选中的选项在它接受的选项里。 */
  function matches(policy, answers) {
    for (var g = 0; g < policy.groups.length; g++) {
      var need = policy.groups[g].need, ok = true, asked = 0;
      for (var q in need) {
        if (!Object.prototype.hasOwnProperty.call(need, q)) continue;
        asked++;
        var chosen = answers[q] || [];
        if (!chosen.some(function (o) { return need[q].indexOf(o) >= 0; })) { ok = false; break; }
      }
      if (ok && asked) return { why: policy.groups[g].why };
    }
    if (!policy.groups.length) {
      for (var key in answers) {
        var hit = (answers[key] || []).filter(function (o) { return policy.situations.indexOf(o) >= 0; });
        if (hit.length) return { situation: hit[0] };
      }
    }
    return null;
  }

  function evaluate(data, answers) {
    var found = [];
    data.policies.forEach(function (policy, order) {
      var m = matches(policy, answers);
      if (m) found.push({ policy: policy, match: m, order: order });
    });
    return found;
  }

  var api = { evaluate: evaluate };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }
  window.YZGuide = api;

  function safeId(value) { return /^[A-Za-z0-9_-]{1,64}$/.test(value || "") ? value : ""; }

  function start() {
    var root = document.getElementById("yz-guide");
    var data = window.YZ_GUIDE;
    if (!root || !data) return;
    var words = JSON.parse(document.getElementById("yz-guide-words").textContent);
    var form = document.getElementById("yz-guide-form");
    var result = document.getElementById("yz-guide-result");
    var list = document.getElementById("yz-guide-list");
    var params = new URLSearchParams(location.search);
    var station = {
      id: safeId(params.get("s")), name: (params.get("n") || "").slice(0, 60), tier: params.get("l") || "",
      town: safeId(params.get("t")), townName: (params.get("tn") || "").slice(0, 60)
    };
    if (!station.name) station = null;
    root.hidden = false;

    if (station) {
      var from = document.getElementById("yz-guide-from");
      from.textContent = fill(words.from, { station: station.name, township: station.townName || station.name });
      from.hidden = false;
    }
    document.getElementById("yz-guide-station").textContent = station
      ? fill(words.station, { station: station.name, township: station.townName || station.name })
      : words.nostation;

    function answers() {
      var chosen = {};
      Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (input) {
        (chosen[input.name] = chosen[input.name] || []).push(input.value);
      });
      return chosen;
    }

    function whereText(policy) {
      var tiers = policy.accept.map(function (t) { return words.tiers[t] || t; }).join("、");
      if (!station) return fill(words.nowhere, { tiers: tiers, where: policy.where });
      if (policy.accept.indexOf(station.tier) >= 0) return fill(words.here, { station: station.name, where: policy.where });
      return fill(words.township, { township: station.townName || station.name, station: station.name, where: policy.where });
    }

    function line(label, text) {
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = label;
      p.appendChild(strong);
      p.appendChild(document.createTextNode(text));
      return p;
    }

    function show() {
      var chosen = answers();
      var count = document.getElementById("yz-guide-count");
      list.textContent = "";
      result.hidden = false;
      if (!Object.keys(chosen).length) { count.textContent = words.unanswered; return; }
      var found = evaluate(data, chosen);
      count.textContent = found.length ? fill(words.count, { n: found.length }) : words.none;
      found.forEach(function (item) {
        var policy = item.policy, li = document.createElement("li");
        li.className = "yz-guide__item";
        li.setAttribute("data-policy", policy.id);
        var title = document.createElement("h3");
        var link = document.createElement("a");
        link.href = "../" + policy.url;
        link.textContent = policy.name;
        title.appendChild(link);
        li.appendChild(title);
        var why = item.match.why ? item.match.why.join("；")
          : fill(words.situation, { label: data.labels[item.match.situation] || "" });
        li.appendChild(line(words.why, why));
        li.appendChild(line(words.materials, policy.materials.join("；")));
        li.appendChild(line(words.where, whereText(policy)));
        list.appendChild(li);
      });
      var heading = document.getElementById("yz-guide-heading");
      heading.focus();
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); show(); });
    document.getElementById("yz-guide-again").addEventListener("click", function () {
      form.reset();
      result.hidden = true;
      var first = form.querySelector("input");
      if (first) first.focus();
    });
    /* 多选题：选了“都不是”就取消别的选项，选了别的就取消“都不是”。 */
    Array.prototype.forEach.call(form.querySelectorAll("fieldset"), function (set) {
      set.addEventListener("change", function (e) {
        var none = e.target.value.slice(-5) === "-none";
        if (e.target.type !== "checkbox" || !e.target.checked) return;
        Array.prototype.forEach.call(set.querySelectorAll("input[type=checkbox]"), function (box) {
          if (box !== e.target && (none || box.value.slice(-5) === "-none")) box.checked = false;
        });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
