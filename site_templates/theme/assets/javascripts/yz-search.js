/* 民生驿站站内搜索：按群众的说法找政策。
   索引、问句用词、补充词、数字写法都由生成程序（website/search_index.py）给出，这里只做三件事：
   把问句切成索引里有的词，把各词的分数加起来，把结果列在主题的搜索框下面。 */
(function () {
  "use strict";

  function numberValue(run, map) {
    var total = 0, digit = 0, seen = false;
    for (var i = 0; i < run.length; i++) {
      var v = map[run.charAt(i)];
      if (v === 10 || v === 100) { total += (seen ? digit : 1) * v; digit = 0; seen = false; }
      else { digit = v; seen = true; }
    }
    return total + (seen ? digit : 0);
  }

  /* 八十岁 → 80岁、九十五 → 95：带“十、百”或后面跟着“岁”的中文数字换成阿拉伯数字（政策里这么写）。 */
  function normalize(query, index) {
    var map = index.numerals, chars = Object.keys(map).join("");
    var text = query.normalize ? query.normalize("NFKC") : query;
    text = text.toLowerCase();
    var pattern = new RegExp("[" + chars + "]+", "g");
    return text.replace(pattern, function (run, at, all) {
      var next = all.charAt(at + run.length);
      if (!/[十百]/.test(run) && next !== "岁") return run;
      return String(numberValue(run, map));
    });
  }

  /* 按读音改错字：问句里一段字和某个政策名称或叫法读音相同（方言里 zh/z、n/l、-ng/-n 不分也算）、
     又至少有一个字相同时，换成那个名称（邻时救助 → 临时救助）。
     这段字本身是认识的词、或者会拆开跨在边上的认识的词（房屋保险）时不改。 */
  function splitsWord(text, at, length, index) {
    for (var a = Math.max(0, at - index.maxTerm + 1); a < at + length; a++) {
      for (var n = 2; n <= index.maxTerm && a + n <= text.length; n++) {
        var end = a + n, inside = a >= at && end <= at + length;
        if (!inside && end > at && index._known[text.substr(a, n)]) return true;
      }
    }
    return false;
  }

  function correct(text, index) {
    if (!index._sound) {
      index._sound = {};
      for (var reading in index.sounds) if (Object.prototype.hasOwnProperty.call(index.sounds, reading)) {
        var chars = index.sounds[reading];
        for (var c = 0; c < chars.length; c++) (index._sound[chars.charAt(c)] = index._sound[chars.charAt(c)] || {})[reading] = 1;
      }
      index._spoken = index.spoken.map(function (pair) { return [pair[0], pair[1].split(" ")]; });
    }
    var out = "", i = 0;
    while (i < text.length) {
      var best = "";
      index._spoken.forEach(function (pair) {
        var name = pair[0], sounds = pair[1], span = text.substr(i, name.length);
        if (name.length <= best.length || span.length < name.length || span === name || index._known[span]) return;
        var same = 0;
        for (var j = 0; j < name.length; j++) {
          if (span.charAt(j) === name.charAt(j)) same++;
          else if (!(index._sound[span.charAt(j)] || {})[sounds[j]]) return;
        }
        if (same && !splitsWord(text, i, name.length, index)) best = name;
      });
      out += best || text.charAt(i);
      i += best.length || 1;
    }
    return out;
  }

  function isWordChar(c) { return /[\u4e00-\u9fff]/.test(c); }

  /* 正向最大匹配：每次取索引（或问句用词表）里有的最长的词；不认识的字单独成词。 */
  function cut(text, index, known) {
    var tokens = [], i = 0;
    while (i < text.length) {
      var c = text.charAt(i);
      if (/[a-z0-9]/.test(c)) {
        var j = i;
        while (j < text.length && /[a-z0-9 ]/.test(text.charAt(j))) j++;
        var run = text.slice(i, j).trim();
        var parts = run.match(/[a-z]+|[0-9]+/g) || [];
        for (var p = 0; p < parts.length; p++) tokens.push(parts[p]);
        if (/[a-z]/.test(run) && parts.length > 1) tokens.push(run.replace(/[^a-z]/g, ""));
        i = j;
        continue;
      }
      if (!isWordChar(c)) { i++; continue; }
      var found = c;
      for (var n = Math.min(index.maxTerm, text.length - i); n > 1; n--) {
        var piece = text.substr(i, n);
        if (known[piece]) { found = piece; break; }
      }
      tokens.push(found);
      i += found.length;
    }
    return tokens;
  }

  function prepare(index) {
    if (index._known) return index;
    var known = {}, k;
    for (k in index.terms) if (Object.prototype.hasOwnProperty.call(index.terms, k)) known[k] = 1;
    index.stop.forEach(function (w) { known[w] = 1; });
    index.fillers.forEach(function (w) { known[w] = 1; });
    for (k in index.synonyms) if (Object.prototype.hasOwnProperty.call(index.synonyms, k)) known[k] = 1;
    index._known = known;
    index._stop = {};
    index.stop.forEach(function (w) { index._stop[w] = 1; });
    index._filler = {};
    index.fillers.forEach(function (w) { index._filler[w] = 1; });
    return index;
  }

  /* 打分：词在政策名称或群众叫法里 > 一句话说明 > 正文；少见的词比常见的词重；
     问句用词不算，补充词（申请、补贴……）只算一成；问句里的词对上得越多越靠前，一个都对不上全部时按对上的多少排。 */
  function search(index, query) {
    prepare(index);
    var n = index.docs.length;
    var text = correct(normalize(query, index), index);
    var tokens = [];
    cut(text, index, index._known).forEach(function (t) {
      (index.synonyms[t] || t).split(" ").forEach(function (word) { tokens.push(word); });
      var age = /^[0-9]+$/.test(t) ? parseInt(t, 10) : 0;
      for (var w = 0; w < index.ageWords.length; w++) {
        if (age >= index.ageWords[w][0] && age <= 120) { tokens.push(index.ageWords[w][1]); break; }
      }
    });
    var scores = {}, hits = {}, total = 0, seen = {}, d;
    var words = tokens.filter(function (t) { return !index._stop[t]; });
    var lone = words.length === 1 && words[0].length === 1;
    function add(doc, value, term, weight) {
      scores[doc] = (scores[doc] || 0) + value;
      if (term) { hits[doc] = hits[doc] || {}; hits[doc][term] = weight; }
    }
    tokens.forEach(function (t) {
      if (index._stop[t] || seen[t]) return;
      seen[t] = 1;
      var filler = !!index._filler[t];
      var list = index.terms[t];
      var idf = list ? Math.log(1 + n / (list.length / 2)) : Math.log(1 + n);
      if (t.length === 1 && !/[0-9]/.test(t)) idf *= 0.3;  // 一个字的词说明不了多少
      if (!filler) total += idf;
      var term = filler ? "" : t;
      if (list) {
        for (var i = 0; i < list.length; i += 2) add(list[i], list[i + 1] * idf * (filler ? 0.1 : 1), term, idf);
      }
      if (lone && isWordChar(t)) {  // 只输入了一个字（残）：标题里有这个字的政策也算
        index.docs.forEach(function (doc, at) { if (doc[1].indexOf(t) >= 0) add(at, index.weights.part * idf, t, idf); });
      }
      if (/^[0-9]+$/.test(t)) {
        var age = parseInt(t, 10);
        index.ages.forEach(function (a) {
          if (age > 0 && age >= a[1] && age <= a[2]) add(a[0], index.weights.name * idf * a[3], t, idf);
        });
      }
      if (/^[a-z]{2,}$/.test(t)) {
        index.pinyin.forEach(function (p) {
          var key = p[1];
          if (p[2]) { if (key === t) add(p[0], index.weights.name * idf, t, idf); }  // 名称里的一个词（zaihai）
          else if (key === t) add(p[0], index.weights.name * 4 * idf, t, idf);
          else if (t.length >= 3 && key.indexOf(t) === 0) add(p[0], index.weights.name * 2 * idf, t, idf);
        });
      }
    });
    var results = [];
    for (d in scores) if (scores[d] > 0) {
      var covered = 0, term;
      for (term in hits[d] || {}) covered += hits[d][term];
      var share = total ? covered / total : 1;
      results.push({ doc: +d, score: scores[d] * (0.3 + share), covered: share });
    }
    if (!results.length) results = fallback(index, text);
    if (!results.length) results = index.help.map(function (at) { return { doc: at, score: 0, covered: 0, help: true }; });
    results.sort(function (a, b) { return (b.score - a.score) || (a.doc - b.doc); });
    return results.map(function (r) {
      var doc = index.docs[r.doc];
      return { url: doc[0], title: doc[1], line: doc[2], score: r.score, covered: r.covered, help: !!r.help };
    });
  }

  /* 一个词也对不上时：按问句里的两字组合在标题和说明里出现的多少排；连这也没有，列出“政策找人”和“找驿站”，
     说一声没找到（搜索框从不空着）。 */
  function fallback(index, text) {
    var chars = text.replace(/[^\u4e00-\u9fff]/g, "");
    var pairs = [];
    for (var i = 0; i + 1 < chars.length; i++) {
      var pair = chars.substr(i, 2);
      if (!index._stop[pair]) pairs.push(pair);
    }
    if (!pairs.length && chars.length === 1) pairs = [chars];
    var results = [];
    index.docs.forEach(function (doc, at) {
      var hay = doc[1] + doc[2], count = 0;
      pairs.forEach(function (p) { if (hay.indexOf(p) >= 0) count++; });
      if (count) results.push({ doc: at, score: count, covered: 0 });
    });
    return results;
  }

  var api = { search: search, normalize: normalize, cut: cut, correct: correct };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }
  window.YZSearch = api;

  /* 页面上：接管主题的搜索框（主题自带的搜索已关掉）。索引由 search-early 提前下载，没有的话打开时下载。 */
  function start() {
    var box = document.querySelector("[data-yz-search]");
    if (!box) return;
    var input = box.querySelector("input[name=yzq]");
    var list = box.querySelector(".md-search-result__list");
    var meta = box.querySelector(".md-search-result__meta");
    var toggle = document.getElementById("__search");
    var config = JSON.parse(document.getElementById("__config").textContent);
    var base = config.base || ".";
    var pending = null;
    var loading = meta.textContent.trim();  // “正在加载搜索”，写在页面里

    function load(done) {
      if (window.YZ_SEARCH) return done(window.YZ_SEARCH);
      pending = done;
      var script = document.getElementById("yz-search-index");
      if (!script) {
        script = document.createElement("script");
        script.id = "yz-search-index";
        script.src = base + "/" + box.getAttribute("data-yz-search");
        document.head.appendChild(script);
      }
      if (!script.getAttribute("data-yz-watched")) {
        script.setAttribute("data-yz-watched", "1");
        script.addEventListener("load", function () {
          var next = pending;
          pending = null;
          if (next) next(window.YZ_SEARCH);
        });
      }
    }

    function say(text) { meta.textContent = text; }

    function show() {
      var query = input.value.trim();
      list.textContent = "";
      if (!query) { say(box.getAttribute("data-yz-empty")); return; }
      if (!window.YZ_SEARCH) say(loading);
      load(function (index) {
        if (input.value.trim() !== query) return;
        var all = search(index, query), found = all.slice(0, 20);
        list.textContent = "";
        if (!found.length || found[0].help) say(box.getAttribute("data-yz-none"));
        else say(box.getAttribute("data-yz-count").replace("{n}", all.length));
        found.forEach(function (r) {
          var item = document.createElement("li");
          item.className = "md-search-result__item";
          var link = document.createElement("a");
          link.className = "md-search-result__link";
          link.href = base + "/" + r.url;
          var article = document.createElement("article");
          article.className = "md-search-result__article md-typeset";
          var title = document.createElement("h1");
          title.textContent = r.title;
          var line = document.createElement("p");
          line.textContent = r.line;
          article.appendChild(title);
          article.appendChild(line);
          link.appendChild(article);
          item.appendChild(link);
          list.appendChild(item);
        });
      });
    }

    input.addEventListener("focus", function () {
      if (toggle && !toggle.checked) { toggle.checked = true; load(function () {}); }
    });
    input.addEventListener("input", show);
    input.addEventListener("keyup", show);
    box.querySelector("form").addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    box.querySelector("button[type=reset]").addEventListener("click", function () {
      input.value = ""; show(); input.focus();
    });
    if (toggle) toggle.addEventListener("change", function () {
      if (toggle.checked) { load(function () {}); setTimeout(function () { input.focus(); }, 50); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle && toggle.checked) { toggle.checked = false; }
    });
    say(box.getAttribute("data-yz-empty"));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
