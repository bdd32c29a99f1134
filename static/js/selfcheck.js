/* BANTAR self-check page: draws the answers and results; the maths is selfcheck-maths.js.

   Nothing goes to the server. The answers live in this browser (localStorage) and in the
   address's fragment, #l=<one digit per indicator in the guide's order, 0 = not answered>&kk=70,
   so that a copied link opens with the same answers (a fragment is never sent to the server). */
(function () {
  "use strict";
  var maths = window.SelfCheckMaths;
  var source = document.getElementById("selfcheck-rules");
  if (!maths || !source) { return; }
  var rules = JSON.parse(source.textContent);
  var texts = rules.texts;
  var STORE = "bantar-selfcheck";
  var codes = maths.indicatorCodes(rules);
  var catalogue = {};
  rules.pillars.forEach(function (pillar) {
    pillar.indicators.forEach(function (indicator) { catalogue[indicator.code] = { pillar: pillar, indicator: indicator }; });
  });
  var state = { levels: {}, kk: "" };

  function say(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_all, key) { return values[key]; });
  }
  function $(selector) { return document.querySelector(selector); }
  function $$(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  /* --- the answers as text: the fragment and the stored copy --------------------------- */
  function encode() {
    var digits = codes.map(function (code) { return state.levels[code] ? String(state.levels[code]) : "0"; }).join("");
    return "l=" + digits + (state.kk !== "" ? "&kk=" + encodeURIComponent(state.kk) : "");
  }
  function decode(text) {
    var found = { levels: {}, kk: "" }, any = false;
    String(text || "").replace(/^#/, "").split("&").forEach(function (part) {
      var pair = part.split("="), key = pair[0], value = decodeURIComponent(pair[1] || "");
      if (key === "l") {
        any = true;
        codes.forEach(function (code, index) {
          var level = parseInt(value.charAt(index), 10);
          if (level >= rules.scale[0] && level <= rules.scale[1]) { found.levels[code] = level; }
        });
      } else if (key === "kk" && /^\d{1,4}$/.test(value)) {
        any = true;
        found.kk = value;
      }
    });
    return any ? found : null;
  }
  function save() {
    var text = encode();
    try { window.localStorage.setItem(STORE, text); } catch (error) { /* private mode: the link still carries it */ }
    if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#" + text); }
    $("[data-share-link]").value = window.location.href.split("#")[0] + "#" + text;
  }
  function load() {
    var fromLink = decode(window.location.hash);
    if (fromLink) { return { state: fromLink, shared: true }; }
    var stored = null;
    try { stored = decode(window.localStorage.getItem(STORE)); } catch (error) { stored = null; }
    return { state: stored || { levels: {}, kk: "" }, shared: false };
  }

  /* --- drawing ------------------------------------------------------------------------- */
  function showTab(tab) {
    $$("[data-pillar]").forEach(function (section) { section.classList.toggle("selfcheck-hidden", section.dataset.pillar !== tab); });
    $$("[data-tab]").forEach(function (button) {
      var on = button.dataset.tab === tab;
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  function drawAnswers() {
    $$(".selfcheck-indicator").forEach(function (fieldset) {
      var level = state.levels[fieldset.dataset.code];
      fieldset.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = parseInt(radio.value, 10) === level;
        radio.closest(".selfcheck-level").classList.toggle("chosen", radio.checked);
      });
      fieldset.classList.toggle("answered", !!level);
    });
    $("#kk").value = state.kk;
  }
  function band(category) {
    return category.max_kk === null || category.max_kk === undefined
      ? say(texts.band_open, { min: category.min_kk })
      : say(texts.band, { min: category.min_kk, max: category.max_kk });
  }
  function drawResults() {
    var result = maths.score(rules, state.levels);
    var done = codes.filter(function (code) { return state.levels[code]; }).length;
    $("[data-progress]").textContent = say(texts.answered, { done: done, total: codes.length });
    rules.pillars.forEach(function (pillar) {
      var answered = pillar.indicators.filter(function (i) { return state.levels[i.code]; }).length;
      $('[data-count="' + pillar.code + '"]').textContent = answered + "/" + pillar.indicators.length;
    });
    result.pillars.forEach(function (pillar) {
      var cell = $('[data-pillar-score="' + pillar.code + '"]');
      cell.textContent = maths.display(pillar.score);
      cell.classList.toggle("text-danger", result.gated.indexOf(pillar.code) >= 0);
    });
    $("[data-final]").textContent = maths.display(result.final);
    var category = state.kk === "" ? null : maths.category(rules, state.kk);
    $("[data-category]").textContent = state.kk === "" ? texts.no_kk : (category
      ? say(texts.category, { name: category.name, band: band(category) })
      : say(texts.no_category, { kk: state.kk, bands: rules.categories.map(band).join(", ") }));
    var verdict = $("[data-verdict]"), mark = maths.display(maths.decimal(rules.pass_mark));
    if (result.gated.length) {
      var names = result.pillars.filter(function (p) { return result.gated.indexOf(p.code) >= 0; }).map(function (p) { return p.name; });
      verdict.textContent = say(texts.gated, { pillars: names.join(", "), minimum: maths.display(maths.decimal(rules.pillar_minimum)) });
    } else {
      verdict.textContent = say(result.passed ? texts.passed : texts.not_passed, { mark: mark });
    }
    verdict.classList.toggle("text-success", result.passed);
    verdict.classList.toggle("text-danger", !result.passed);
    drawImprovements();
  }
  function drawImprovements() {
    var list = $("[data-improve]");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var items = maths.improvements(rules, state.levels).slice(0, 5);
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "text-muted";
      none.textContent = texts.nothing_to_improve;
      list.appendChild(none);
      return;
    }
    items.forEach(function (item) {
      var found = catalogue[item.code], next = found.indicator.levels.filter(function (l) { return l.value === item.to; })[0];
      var row = document.createElement("li");
      row.className = "mb-2";
      row.dataset.code = item.code;
      var head = document.createElement("div");
      var badge = document.createElement("span");
      badge.className = "badge text-bg-secondary me-1";
      badge.textContent = item.code;
      var title = document.createElement("strong");
      title.textContent = found.indicator.text;
      head.appendChild(badge); head.appendChild(title);
      var gain = document.createElement("div");
      gain.className = "small fw-semibold text-success";
      gain.textContent = say(texts.gain, { gain: maths.display(item.gain) }) + " · " + say(texts.from_to, { from: item.from, to: item.to });
      var descriptor = document.createElement("div");
      descriptor.className = "small";
      descriptor.textContent = next ? next.name + ": " + next.descriptor : "";
      row.appendChild(head); row.appendChild(gain); row.appendChild(descriptor);
      list.appendChild(row);
    });
  }
  function redraw() { drawAnswers(); drawResults(); save(); }

  /* --- events -------------------------------------------------------------------------- */
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.type === "radio" && field.closest(".selfcheck-indicator")) {
      state.levels[field.name] = parseInt(field.value, 10);
      redraw();
    }
  });
  $("#kk").addEventListener("input", function () {
    var value = $("#kk").value.replace(/\D/g, "").slice(0, 4);
    state.kk = value;
    drawResults();
    save();
  });
  $$("[data-tab]").forEach(function (button) {
    button.addEventListener("click", function () { showTab(button.dataset.tab); });
  });
  $$("[data-next]").forEach(function (button) {
    button.addEventListener("click", function () {
      var order = rules.pillars.map(function (p) { return p.code; }).concat(["hasil"]);
      showTab(order[order.indexOf(button.dataset.next) + 1]);
      window.scrollTo(0, 0);
    });
  });
  $("[data-clear]").addEventListener("click", function () {
    if (!window.confirm(texts.confirm_clear)) { return; }
    state = { levels: {}, kk: "" };
    try { window.localStorage.removeItem(STORE); } catch (error) { /* nothing stored */ }
    redraw();
    showTab(rules.pillars[0].code);
  });
  $("[data-share]").addEventListener("click", function () {
    var link = $("[data-share-link]").value, status = $("[data-share-state]");
    if (navigator.share) {
      navigator.share({ title: document.title, url: link }).catch(function () { return null; });
      return;
    }
    var done = function () { status.textContent = texts.copied; };
    var failed = function () { $("[data-share-link]").select(); status.textContent = texts.copy_failed; };
    if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(link).then(done, failed); } else { failed(); }
  });

  var loaded = load();
  state = loaded.state;
  redraw();
  showTab(loaded.shared ? "hasil" : rules.pillars[0].code);
  document.body.classList.add("selfcheck-ready");

  /* Offline for a visitor too (static/js/selfcheck-sw.js): only where nobody is logged in and
     no field kit controls the page, so a juror's kit and an officer's session are left alone. */
  var swUrl = $(".selfcheck").dataset.swUrl;
  if (swUrl && "serviceWorker" in navigator && !document.body.dataset.user && !navigator.serviceWorker.controller) {
    navigator.serviceWorker.register(swUrl, { scope: swUrl.replace(/sw\.js$/, "") }).catch(function (error) {
      console.warn("self-check offline copy", error);
    });
  }
})();
