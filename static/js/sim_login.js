/* "Sim ký số": wait for the phone's answer, then continue by posting the finish form. */
(function () {
  "use strict";
  var box = document.getElementById("sim-login-wait");
  if (!box) { return; }
  var note = document.getElementById("sim-login-note");
  var message = document.getElementById("sim-login-message");
  var countdown = document.getElementById("sim-login-countdown");
  var deadline = Date.now() + 1000 * Number(box.dataset.secondsLeft);
  var finished = false;

  function tick() {
    if (finished) { return; }
    countdown.textContent = String(Math.max(0, Math.round((deadline - Date.now()) / 1000)));
    setTimeout(tick, 1000);
  }

  function stop(text) {
    finished = true;
    note.classList.add("d-none");
    message.textContent = text;
    message.classList.remove("d-none");
    document.getElementById("sim-login-again").classList.remove("d-none");
  }

  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "approved") {
          finished = true;
          document.getElementById("sim-login-finish").submit();
        } else if (data.status === "pending") {
          note.textContent = data.message;
          note.classList.toggle("d-none", !data.message);
          setTimeout(poll, 1500);
        } else {
          stop(data.message);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  tick();
  setTimeout(poll, 1500);
})();
