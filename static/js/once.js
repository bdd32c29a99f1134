/* A form marked data-once-only is sent once: a second tap or click while the
   page is loading does nothing. The server is idempotent too; this saves a trip. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-once-only]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.classList.add("opacity-75");
    });
  });
})();
