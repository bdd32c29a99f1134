/* <input type="checkbox" data-check-all="FORM-ID"> ticks or clears every box of that form
   on the page (the boxes may sit outside it, joined by form="FORM-ID"). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    var formId = box.getAttribute && box.getAttribute("data-check-all");
    if (!formId) { return; }
    document.querySelectorAll('input[type="checkbox"][name="entry"][form="' + formId + '"]')
      .forEach(function (item) { item.checked = box.checked; });
  });
})();
