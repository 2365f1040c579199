/* 民生驿站网站脚本：打印按钮、找驿站。只用本站文件，可从 U 盘直接打开。 */
(function () {
  "use strict";

  function setupPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-yz-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // 打印时在链接后面写出完整地址。
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset a[href]"), function (link) {
      var href = link.getAttribute("href");
      if (href.charAt(0) !== "#" && href.indexOf("tel:") !== 0) link.setAttribute("data-print-url", link.href);
    });
  }

  function option(value, text) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = text;
    return item;
  }

  function setupFinder() {
    var form = document.getElementById("yz-finder");
    var data = window.YZ_STATIONS;
    if (!form || !data) return;
    var town = document.getElementById("yz-town");
    var village = document.getElementById("yz-village");
    var name = document.getElementById("yz-name");
    var count = document.getElementById("yz-count");
    var list = document.getElementById("yz-results");
    var limit = 100;
    var places = data.places;  // 乡镇/村 or 街道/社区, and 县/区: the words of this county

    function fillVillages() {
      var seen = {};
      while (village.options.length > 1) village.remove(1);
      data.stations.forEach(function (s) {
        var townName = data.towns[s[3]];
        if (!s[4] || (town.value && townName !== town.value)) return;
        var key = townName + "|" + s[4];
        if (seen[key]) return;
        seen[key] = true;
        village.appendChild(option(key, town.value ? s[4] : s[4] + "（" + townName + "）"));
      });
    }

    function matches(s, terms) {
      var townName = data.towns[s[3]];
      if (town.value && townName !== town.value) return false;
      if (village.value && townName + "|" + s[4] !== village.value) return false;
      var text = [s[1], townName, s[4], s[5], s[0]].join(" ").toLowerCase();
      return terms.every(function (t) { return text.indexOf(t) !== -1; });
    }

    function show() {
      var terms = name.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!terms.length && !town.value && !village.value) {
        count.textContent = "全" + places.county + "共 " + data.stations.length + " 个驿站。请选择" + places.township + "或输入名称。";
        return;
      }
      var found = data.stations.filter(function (s) { return matches(s, terms); });
      count.textContent = found.length
        ? "找到 " + found.length + " 个驿站" + (found.length > limit ? "，先列出前 " + limit + " 个，请再选" + places.village + "或输入名称缩小范围。" : "。")
        : "没有找到，请换个名称试试（可以只输入" + places.village + "名中的一两个字）。";
      found.slice(0, limit).forEach(function (s) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = s[0] + ".html";
        link.textContent = s[1];
        var where = document.createElement("small");
        where.textContent = data.levels[s[2]] + " · " + [data.towns[s[3]], s[4], s[5]].filter(Boolean).join(" ") +
          (s[6] !== "运行" ? " · " + s[6] : "");
        link.appendChild(where);
        item.appendChild(link);
        list.appendChild(item);
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    town.addEventListener("change", function () { fillVillages(); show(); });
    village.addEventListener("change", show);
    name.addEventListener("input", show);
    fillVillages();
    show();
  }

  setupPrint();
  setupFinder();
})();
