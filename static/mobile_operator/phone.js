/* The simulated phone: show new SMS and signing requests without a manual refresh. */
(function () {
  "use strict";
  var phone = document.querySelector("[data-phone-number]");
  if (!phone) { return; }
  var last = phone.dataset.latest;
  function busy() {
    var typing = Array.prototype.some.call(document.querySelectorAll("input"), function (input) {
      return input.type !== "hidden" && input.value !== "";
    });
    return typing || document.activeElement.tagName === "INPUT";
  }
  function check() {
    fetch(phone.dataset.latestUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.latest !== last && !busy()) { window.location.assign(phone.dataset.phoneUrl); return; }
        setTimeout(check, 2000);
      })
      .catch(function () { setTimeout(check, 4000); });
  }
  setTimeout(check, 2000);
})();
