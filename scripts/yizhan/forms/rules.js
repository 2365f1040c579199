// 号码规则的解释器：折叠、身份证号、电话的规则全部来自 yizhan/numbers.py 生成的数据，这里不写规则本身。
(function () {
  "use strict";
  function hex(ch) { return "\\u" + ("000" + ch.charCodeAt(0).toString(16)).slice(-4); }

  window.yizhanRules = function (data) {
    var R = data.numbers, WORDS = data.messages, runs = R.fold;
    var space = "[" + R.spaces.split("").map(hex).join("") + "]";
    var STRIP = new RegExp("^" + space + "+|" + space + "+$", "g");
    var SEP = new RegExp(R.separator, "g"), PHONE = new RegExp(R.phone);
    var ID = new RegExp(R.idPattern), OLD_ID = new RegExp(R.oldIdPattern), BIRTH = new RegExp(R.birthPattern);

    function folded(code) {
      var low = 0, high = runs.length - 1;
      while (low <= high) {
        var mid = (low + high) >> 1, run = runs[mid];
        if (code < run[0]) { high = mid - 1; } else if (code > run[1]) { low = mid + 1; } else { return run[2] + code - run[0]; }
      }
      return -1;
    }
    function fold(text) {
      var out = "";
      for (var ch of text) {
        var code = ch.codePointAt(0), to = code < 0x80 ? -1 : folded(code);
        out += to < 0 ? ch : String.fromCharCode(to);
      }
      return out;
    }
    function say(kind, values) {
      return WORDS[kind].replace(/\{(\w+)\}/g, function (all, name) { return String(values[name]); });
    }
    function trim(text) { return text.replace(STRIP, ""); }
    function canonicalId(value) { return trim(fold(value)).replace(SEP, "").toUpperCase(); }
    function today() {
      var now = new Date(), pad = function (n) { return (n < 10 ? "0" : "") + n; };
      return now.getFullYear() + pad(now.getMonth() + 1) + pad(now.getDate());
    }
    function idProblem(value) {
      var v = canonicalId(value), length = Array.from(v).length;
      if (OLD_ID.test(v)) { return say("id_old"); }
      if (length !== R.idLength) { return say("id_length", { length: length }); }
      if (!ID.test(v)) { return say("id_characters"); }
      var birth = v.slice(R.birth[0], R.birth[1]);
      if (!BIRTH.test(birth) || birth > today()) { return say("id_birth", { birth: birth }); }
      var sum = 0;
      R.idWeights.forEach(function (weight, i) { sum += Number(v.charAt(i)) * weight; });
      if (R.idCheck.charAt(sum % R.idCheck.length) !== v.charAt(R.idLength - 1)) { return say("id_check"); }
      return "";
    }
    function phoneProblem(value) { return PHONE.test(clean(value)) ? "" : say("phone"); }
    function clean(value) { return trim(fold(value)); }
    return { fold: fold, clean: clean, canonicalId: canonicalId, idProblem: idProblem, phoneProblem: phoneProblem, say: say };
  };
})();
