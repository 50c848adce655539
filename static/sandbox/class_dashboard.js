// Keep the trainer's dashboard current: poll the class's progress and redraw each seat's row.
(function () {
  "use strict";
  var table = document.querySelector("[data-progress-url]");
  if (!table) { return; }
  var url = table.getAttribute("data-progress-url");
  var updated = document.querySelector("[data-testid='dashboard-updated']");
  var INTERVAL_MS = 3000;

  function clock(iso) {
    if (!iso) { return ""; }
    return new Date(iso).toLocaleTimeString("vi-VN", { hour12: false });
  }

  function draw(seat) {
    var row = table.querySelector("tr[data-seat='" + seat.seat + "']");
    if (!row) { return; }
    row.querySelector("[data-field='step_label']").textContent = seat.step_label;
    row.querySelector("[data-field='last_action_at']").textContent = clock(seat.last_action_at) || "—";
    row.querySelector("[data-field='last_error']").textContent = seat.last_error || "—";
    row.querySelector("[data-field='provincial_login_at']").textContent = seat.provincial_login_at ? "✓ " + clock(seat.provincial_login_at) : "";
    row.querySelector("[data-field='organisation_step_label']").textContent = seat.organisation_step_label;
    row.querySelectorAll("[data-organisation-step]").forEach(function (cell) {
      var number = cell.getAttribute("data-organisation-step");
      var when = seat.organisation_reached[number];
      cell.textContent = when ? number + " ✓ " + clock(when) : number;
    });
    row.querySelectorAll("[data-step]").forEach(function (cell) {
      var when = seat.reached[cell.getAttribute("data-step")];
      cell.textContent = when ? "✓ " + clock(when) : "";
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.seats.forEach(draw);
        if (updated) { updated.textContent = "Cập nhật lúc " + new Date().toLocaleTimeString("vi-VN", { hour12: false }) + "."; }
      })
      .catch(function () {
        if (updated) { updated.textContent = "Chưa cập nhật được; sẽ thử lại."; }
      })
      .finally(function () { window.setTimeout(poll, INTERVAL_MS); });
  }
  window.setTimeout(poll, INTERVAL_MS);
}());
