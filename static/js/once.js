/* A form marked data-once-only is sent once: a second tap or click while the
   page is loading does nothing. The server is idempotent too; this saves a trip. */
(function () {
  "use strict";
  /* The scripts' strings come from the catalogue loaded just before (base.html,
     /jsi18n/…); should it ever be missing, the scripts still run, in Indonesian. */
  if (typeof window.gettext !== "function") {
    window.gettext = function (text) { return text; };
    window.ngettext = function (one, many, count) { return count === 1 ? one : many; };
    window.pgettext = function (_context, text) { return text; };
    window.interpolate = function (text, values, named) {
      return named ? text.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); })
        : text.replace(/%s/g, function () { return String(values.shift()); });
    };
  }
  document.querySelectorAll("form[data-once-only]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.classList.add("opacity-75");
    });
  });
})();
