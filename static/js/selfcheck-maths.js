/* BANTAR self-check: the portal's scoring maths for one juror, in the browser.

   The same steps as scoring/results.py score_entry (DESIGN.md, "Order of the rules"):
   indicator level -> pillar mean (an unanswered indicator counts as the lowest level, or is
   left out, as the competition's `missing` says) -> pillar score 0-100 -> weighted final
   score -> pillar minimum, then the pass mark. Exact fractions (BigInt), rounded for display
   only, by the portal's rule (`shown`), so that 2 places here are 2 places there: the tests run this very file
   with node against the Python on random inputs (tests/coaching/test_selfcheck_maths.py).
   Pure: no DOM, no storage; static/js/selfcheck.js draws the page. */
(function (root, factory) {
  "use strict";
  var maths = factory();
  if (typeof module === "object" && module.exports) { module.exports = maths; } else { root.SelfCheckMaths = maths; }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function abs(n) { return n < 0n ? -n : n; }
  function gcd(a, b) { a = abs(a); b = abs(b); while (b) { var t = a % b; a = b; b = t; } return a || 1n; }
  function frac(n, d) {
    n = BigInt(n); d = BigInt(d === undefined ? 1 : d);
    if (d < 0n) { n = -n; d = -d; }
    var g = gcd(n, d);
    return { n: n / g, d: d / g };
  }
  function add(a, b) { return frac(a.n * b.d + b.n * a.d, a.d * b.d); }
  function sub(a, b) { return frac(a.n * b.d - b.n * a.d, a.d * b.d); }
  function mul(a, b) { return frac(a.n * b.n, a.d * b.d); }
  function div(a, b) { return frac(a.n * b.d, a.d * b.n); }
  function cmp(a, b) { var l = a.n * b.d, r = b.n * a.d; return l < r ? -1 : (l > r ? 1 : 0); }

  /* "70.00", "1", "0.25", "1E+1" (how Python writes a Decimal) as an exact fraction. */
  function decimal(text) {
    var m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(String(text));
    if (!m || (m[2] === "" && (m[3] || "") === "")) { throw new Error("not a decimal: " + text); }
    var digits = (m[2] || "") + (m[3] || ""), exponent = (m[4] ? parseInt(m[4], 10) : 0) - (m[3] || "").length;
    var n = BigInt(digits || "0") * (m[1] === "-" ? -1n : 1n);
    return exponent >= 0 ? frac(n * 10n ** BigInt(exponent), 1) : frac(n, 10n ** BigInt(-exponent));
  }

  /* value rounded half up (away from zero) to `places`, as "75.00": scoring.results.as_decimal. */
  function fixed(value, places) {
    if (places === undefined) { places = 2; }
    var scale = 10n ** BigInt(places), n = value.n, d = value.d;
    var whole = (2n * abs(n) * scale + d) / (2n * d);
    var text = whole.toString();
    if (places > 0) {
      while (text.length <= places) { text = "0" + text; }
      text = text.slice(0, text.length - places) + "." + text.slice(text.length - places);
    }
    return (n < 0n && whole !== 0n ? "-" : "") + text;
  }
  /* A score as the portal shows it (bantar/numbers.py hundredths): half up to the 4 places a
     result is stored with, then half up to 2, so that 65.62496 shows 65.63 here as there. */
  function shown(value) {
    var n = value.n, d = value.d;
    var stored = (2n * abs(n) * 10000n + d) / (2n * d);
    var whole = (2n * stored + 100n) / 200n;
    var text = whole.toString();
    while (text.length <= 2) { text = "0" + text; }
    return (n < 0n && whole !== 0n ? "-" : "") + text.slice(0, text.length - 2) + "." + text.slice(text.length - 2);
  }
  /* For people: a decimal comma (the portal's Indonesian display). */
  function display(value) { return shown(value).replace(".", ","); }

  function indicatorCodes(rules, pillar) {
    var found = [];
    rules.pillars.forEach(function (p) {
      if (pillar === undefined || p.code === pillar) { p.indicators.forEach(function (i) { found.push(i.code); }); }
    });
    return found;
  }

  /* levels: {indicator code: level}; an absent or null level is an indicator not answered. */
  function score(rules, levels) {
    var low = rules.scale[0], high = rules.scale[1], hundred = frac(100);
    var pillars = [], total = frac(0), weights = frac(0), gated = [];
    rules.pillars.forEach(function (pillar) {
      var values = [];
      indicatorCodes(rules, pillar.code).forEach(function (code) {
        var level = levels[code];
        if (level === undefined || level === null || level === "") {
          if (rules.missing === "lowest") { values.push(frac(low)); }
        } else {
          values.push(frac(level));
        }
      });
      var mean = null, scoreValue = frac(0);
      if (values.length) {
        mean = div(values.reduce(add, frac(0)), frac(values.length));
        scoreValue = mul(div(sub(mean, frac(low)), frac(high - low)), hundred);
      }
      var weight = decimal(rules.weights[pillar.code]);
      total = add(total, mul(weight, scoreValue));
      weights = add(weights, weight);
      pillars.push({ code: pillar.code, name: pillar.name, mean: mean, score: scoreValue });
    });
    var final = weights.n === 0n ? frac(0) : div(total, weights);
    if (rules.pillar_minimum !== null && rules.pillar_minimum !== undefined) {
      var minimum = decimal(rules.pillar_minimum);
      pillars.forEach(function (p) { if (cmp(p.score, minimum) < 0) { gated.push(p.code); } });
    }
    var passed = gated.length === 0 && cmp(final, decimal(rules.pass_mark)) >= 0;
    return { pillars: pillars, final: final, gated: gated, passed: passed };
  }

  /* The size category of a KK count (bands from the competition), or null outside them all. */
  function category(rules, kk) {
    var count = parseInt(kk, 10);
    if (isNaN(count)) { return null; }
    for (var i = 0; i < rules.categories.length; i++) {
      var c = rules.categories[i];
      if (count >= c.min_kk && (c.max_kk === null || c.max_kk === undefined || count <= c.max_kk)) { return c; }
    }
    return null;
  }

  /* Each answered indicator below the top level, one level up: how much the final score gains.
     Biggest gain first, then the guide's order; an indicator whose pillar weighs nothing is left out. */
  function improvements(rules, levels) {
    var base = score(rules, levels).final, found = [], order = 0;
    rules.pillars.forEach(function (pillar) {
      pillar.indicators.forEach(function (indicator) {
        var level = levels[indicator.code];
        order++;
        if (level === undefined || level === null || level === "" || level >= rules.scale[1]) { return; }
        var next = {};
        Object.keys(levels).forEach(function (code) { next[code] = levels[code]; });
        next[indicator.code] = level + 1;
        var gain = sub(score(rules, next).final, base);
        if (gain.n > 0n) { found.push({ code: indicator.code, pillar: pillar.code, from: level, to: level + 1, gain: gain, order: order }); }
      });
    });
    found.sort(function (a, b) { return cmp(b.gain, a.gain) || a.order - b.order; });
    return found;
  }

  return { frac: frac, decimal: decimal, fixed: fixed, shown: shown, display: display, score: score, category: category,
    improvements: improvements, indicatorCodes: indicatorCodes };
}));
