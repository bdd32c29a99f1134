/* In a filter form, the kelurahan choice follows the kecamatan choice: the kelurahan
   options (each with data-kecamatan) of other kecamatan are hidden, and a chosen kelurahan
   of another kecamatan is cleared, so the form never sends a pair the server refuses.
   The server narrows the choices the same way (scoring/result_filters.py). */
(function () {
  "use strict";
  function follow(form) {
    var kecamatan = form.querySelector('select[name="kecamatan"]');
    var kelurahan = form.querySelector('select[name="kelurahan"]');
    if (!kecamatan || !kelurahan) { return; }
    var chosen = kecamatan.value;
    Array.prototype.forEach.call(kelurahan.options, function (option) {
      var own = option.getAttribute("data-kecamatan");
      var hide = Boolean(chosen && own && own !== chosen);
      option.hidden = hide;
      option.disabled = hide;
      if (hide && option.selected) { kelurahan.value = ""; }
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.name === "kecamatan" && target.form) { follow(target.form); }
  });
  document.querySelectorAll("form").forEach(follow);
})();
