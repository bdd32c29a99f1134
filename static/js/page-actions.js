/* What templates ask for with data attributes, so that no page needs an inline script or
   an inline event handler: the Content-Security-Policy (script-src 'self') allows neither.

   <form data-confirm="Tarik RT ini dari lomba?">  asks before sending; "Batal" leaves the
       form as it was (this listener runs first, before data-once-only marks it sent).
   <select data-autosubmit>                        sends its form when changed.
   <button data-print>                             opens the browser's print dialog. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
})();
