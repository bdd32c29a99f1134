/* Registration form: show the size category and prize as the KK count is typed,
   and warn near a band edge. A chosen RT on a winning streak shows the Kencana category
   and why; one that took part the year before shows the competition's warning or refusal.
   No framework needed. */
(function () {
  "use strict";
  var texts = document.getElementById("category-texts");
  var source = document.getElementById("size-categories");
  var input = document.querySelector("[data-kk-input]") || document.getElementById("id_kk_count");
  var preview = document.getElementById("category-preview");
  var notesSource = document.getElementById("rt-notes");
  var rtSelect = document.getElementById("id_rt");

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function update() {
    var notes = notesSource ? JSON.parse(notesSource.textContent) : {};
    var note = (rtSelect && notes[rtSelect.value]) || {};
    show(note);
    if (note.repeat) {
      if (preview.className.indexOf("alert-danger") < 0) {
        preview.className = "alert py-2 " + (note.refused ? "alert-danger" : "alert-warning");
      }
      preview.textContent += " · " + note.repeat;
    }
  }

  function show(note) {
    var categories = JSON.parse(source.textContent);
    var margin = parseInt(texts.dataset.margin, 10);
    var kk = parseInt(input.value, 10);
    preview.className = "alert py-2 alert-secondary";
    if (!(kk > 0)) { preview.textContent = texts.dataset.none; return; }
    // The server's limits and refusals (data-min, data-max): the preview never shows a
    // category for a count the server will refuse.
    var minimum = parseInt(texts.dataset.min, 10);
    var maximum = parseInt(texts.dataset.max, 10);
    if (kk < minimum || kk > maximum) {
      preview.className = "alert py-2 alert-danger";
      preview.textContent = fill(kk < minimum ? texts.dataset.below : texts.dataset.above,
        { kk: kk, min: minimum, max: maximum });
      return;
    }
    if (note.category) {
      preview.className = "alert py-2 alert-info";
      preview.dataset.category = note.category;
      preview.textContent = fill(texts.dataset.kencana, {
        name: note.category, prize: new Intl.NumberFormat("id-ID").format(note.prize), reason: note.reason
      });
      return;
    }
    var match = categories.filter(function (c) { return kk >= c.min && (c.max === null || kk <= c.max); })[0];
    if (!match) { preview.textContent = texts.dataset.none; return; }
    var prize = new Intl.NumberFormat("id-ID").format(match.prize);
    var message = fill(texts.dataset.category, { name: match.name, prize: prize });
    var edge = categories.map(function (c) { return c.min; })
      .filter(function (e) { return kk >= e - margin && kk <= e + margin - 1; })[0];
    if (edge !== undefined) {
      preview.className = "alert py-2 alert-warning";
      message += " · " + fill(texts.dataset.near, { edge: edge });
    }
    preview.dataset.category = match.name;
    preview.textContent = message;
  }

  // Choosing a known RT fills its kampung's name, unless the officer typed another one.
  var kampung = document.getElementById("id_kampung_name");
  function fillKampung() {
    var option = rtSelect.options[rtSelect.selectedIndex];
    var name = option && option.dataset.kampung;
    if (!name || (kampung.value && kampung.value !== kampung.dataset.filled)) { return; }
    kampung.value = name;
    kampung.dataset.filled = name;
  }
  if (rtSelect && kampung) { rtSelect.addEventListener("change", fillKampung); }

  if (texts && source && input && preview) {
    input.addEventListener("input", update);
    if (rtSelect) { rtSelect.addEventListener("change", update); }
    update();
  }
})();
