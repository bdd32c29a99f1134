/* "Kotak keluar": every change still on this device, across all RTs, read from the outbox
   (static/js/field.js). Waiting items show their age; refused ones the server's message,
   until the juror dismisses them. Another juror's items are counted, never shown or sent. */
(function () {
  "use strict";
  var F = window.BantarField;
  var box = document.getElementById("outbox");
  if (!box || !F) { return; }
  var LOCALE = pgettext("BCP 47 locale of dates and numbers", "id-ID");
  // The page's strings, from the scripts' catalogue (djangojs.po); counts through ngettext.
  var texts = {
    empty: gettext("Kotak keluar kosong: semua perubahan sudah diterima server."),
    noneWaiting: gettext("Tidak ada yang menunggu dikirim"),
    last: gettext("Terakhir berhasil dikirim: %(time)s"),
    never: gettext("Belum pernah berhasil dikirim dari perangkat ini."),
    offline: gettext("Tidak ada koneksi: perubahan dikirim otomatis saat sinyal kembali."),
    login: gettext("Sesi berakhir: masuk lagi untuk mengirim."),
    sending: gettext("Mengirim…"),
    retry: gettext("Dicoba lagi %(time)s"),
    score: gettext("Nilai %(code)s: %(value)s"),
    scoreEmpty: gettext("Nilai %(code)s dikosongkan"),
    note: gettext("catatan"),
    photo: gettext("Foto %(code)s · %(size)s"),
    photoDelete: gettext("Hapus foto"),
    submit: gettext("Kirim lembar nilai"),
    waiting: gettext("menunggu"),
    refused: gettext("ditolak"),
    dismiss: gettext("Hapus dari kotak keluar"),
    dismissConfirm: gettext("Perubahan ini ditolak server dan tidak akan dikirim lagi. Hapus dari kotak keluar?"),
    unknownOwner: gettext("pengguna lain"),
    agoNow: gettext("baru saja")
  };
  function counted(template, count, values) {
    values = values || {};
    values.count = count;
    return format(template, values);
  }
  var list = document.getElementById("outbox-list");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] !== undefined ? values[key] : ""; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function ago(ms) {
    var minutes = Math.floor((Date.now() - ms) / 60000);
    var hours = Math.floor(minutes / 60), days = Math.floor(minutes / 1440);
    if (minutes < 1) { return texts.agoNow; }
    if (minutes < 60) { return counted(ngettext("%(count)s menit lalu", "%(count)s menit lalu", minutes), minutes); }
    if (minutes < 48 * 60) { return counted(ngettext("%(count)s jam lalu", "%(count)s jam lalu", hours), hours); }
    return counted(ngettext("%(count)s hari lalu", "%(count)s hari lalu", days), days);
  }
  function clock(ms) {
    return new Date(ms).toLocaleString(LOCALE, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }
  function describe(item) {
    if (item.kind === "score") {
      var text = item.value ? format(texts.score, { code: item.indicator, value: item.value }) : format(texts.scoreEmpty, { code: item.indicator });
      return item.note ? text + " · " + texts.note : text;
    }
    if (item.kind === "photo") {
      var kb = item.blob ? Math.max(1, Math.round(item.blob.size / 1024)) + " KB" : "";
      return format(texts.photo, { code: item.indicator || "", size: kb });
    }
    if (item.kind === "photo_delete") { return texts.photoDelete; }
    return texts.submit;
  }
  function row(item) {
    var line = el("li", "list-group-item outbox-item d-flex flex-wrap justify-content-between align-items-center gap-2");
    line.dataset.state = item.state;
    line.dataset.kind = item.kind;
    line.dataset.clientId = item.client_id;
    var left = el("div");
    left.appendChild(el("div", "fw-semibold", describe(item)));
    left.appendChild(el("div", "small text-muted", ago(item.created) + " · " + (item.state === "refused" ? texts.refused : texts.waiting)));
    if (item.state === "refused") { left.appendChild(el("div", "small text-danger", item.error || "")); }
    line.appendChild(left);
    if (item.state === "refused") {
      var dismiss = el("button", "btn btn-outline-danger btn-tap", texts.dismiss);
      dismiss.type = "button";
      dismiss.addEventListener("click", function () {
        if (window.confirm(texts.dismissConfirm)) { F.remove(item.client_id).then(render); }
      });
      line.appendChild(dismiss);
    }
    return line;
  }
  function render() {
    return F.items().then(function (items) {
      var mine = items.filter(function (item) { return item.owner === F.user && !(item.kind === "photo" && item.deleted); });
      var foreign = items.filter(function (item) { return item.owner !== F.user; });
      var waiting = mine.filter(function (item) { return item.state === "waiting"; }).length;
      var refused = mine.length - waiting;
      list.textContent = "";
      var groups = {}, order = [];
      mine.forEach(function (item) {
        var key = item.entry_label || String(item.entry);
        if (!groups[key]) { groups[key] = []; order.push(key); }
        groups[key].push(item);
      });
      order.forEach(function (key) {
        var section = el("section", "mb-3");
        section.dataset.entry = groups[key][0].entry;
        section.appendChild(el("h2", "h6", key));
        var ul = el("ul", "list-group");
        groups[key].forEach(function (item) { ul.appendChild(row(item)); });
        section.appendChild(ul);
        list.appendChild(section);
      });
      var owners = {};
      foreign.forEach(function (item) { var name = item.owner_name || texts.unknownOwner; owners[name] = (owners[name] || 0) + 1; });
      Object.keys(owners).forEach(function (name) {
        var note = el("div", "alert alert-secondary outbox-item", counted(ngettext("%(count)s perubahan menunggu pemiliknya, %(owner)s. Perubahan itu hanya dikirim setelah %(owner)s masuk lagi di perangkat ini.", "%(count)s perubahan menunggu pemiliknya, %(owner)s. Perubahan itu hanya dikirim setelah %(owner)s masuk lagi di perangkat ini.", owners[name]), owners[name], { owner: name }));
        note.dataset.state = "foreign";
        note.dataset.testid = "foreign-items";
        list.appendChild(note);
      });
      var summary = waiting ? counted(ngettext("%(count)s perubahan menunggu dikirim", "%(count)s perubahan menunggu dikirim", waiting), waiting) : (refused ? texts.noneWaiting : texts.empty);
      if (refused) { summary += " · " + counted(ngettext("%(count)s ditolak server", "%(count)s ditolak server", refused), refused); }
      document.getElementById("outbox-summary").textContent = summary;
      box.dataset.waiting = waiting;
      box.dataset.refused = refused;
      box.dataset.foreign = foreign.length;
      showStatus();
    });
  }
  function showStatus() {
    var status = F.status();
    document.getElementById("outbox-last").textContent = status.lastOk ? format(texts.last, { time: clock(status.lastOk) }) : texts.never;
    var error = document.getElementById("outbox-error");
    var message = "";
    if (navigator.onLine === false) { message = texts.offline; }
    else if (status.phase === "login") { message = texts.login; }
    else if (status.phase === "sending") { message = texts.sending; }
    else if (status.retryAt && parseInt(box.dataset.waiting || "0", 10)) {
      message = (status.lastError ? status.lastError + " · " : "") + format(texts.retry, { time: clock(status.retryAt) });
    }
    error.hidden = !message;
    error.textContent = message;
    box.dataset.state = status.phase === "sending" ? "sending" : (parseInt(box.dataset.waiting || "0", 10) ? "waiting" : "empty");
  }
  document.getElementById("outbox-send").addEventListener("click", function () { F.sync().then(render); });
  F.on("outbox", render);
  F.on("state", showStatus);
  window.addEventListener("online", showStatus);
  window.addEventListener("offline", showStatus);
  setInterval(render, 60000); // the ages move on
  render();
})();
