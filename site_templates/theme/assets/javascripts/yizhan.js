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
        var townName = data.towns[s.town];
        if (!s.village || (town.value && townName !== town.value)) return;
        var key = townName + "|" + s.village;
        if (seen[key]) return;
        seen[key] = true;
        village.appendChild(option(key, town.value ? s.village : s.village + "（" + townName + "）"));
      });
    }

    function matches(s, terms) {
      var townName = data.towns[s.town];
      if (town.value && townName !== town.value) return false;
      if (village.value && townName + "|" + s.village !== village.value) return false;
      var text = [s.name, townName, s.village, s.group, s.id].filter(Boolean).join(" ").toLowerCase();
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
        link.href = s.id + ".html";
        link.textContent = s.name;
        var where = document.createElement("small");
        // A station's status is in the data only when it is not running (停用): shown as given.
        where.textContent = data.levels[s.level] + " · " + [data.towns[s.town], s.village, s.group].filter(Boolean).join(" ") +
          (s.status ? " · " + s.status : "");
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
