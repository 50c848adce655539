// Open the "USB ký số" tab when the portal sends the citizen back to it (#usb-ky-so).
(function () {
  "use strict";
  if (window.location.hash !== "#usb-ky-so" || !window.bootstrap) {
    return;
  }
  var tab = document.querySelector('[data-bs-target="#pane-usb"]');
  if (tab) {
    window.bootstrap.Tab.getOrCreateInstance(tab).show();
  }
})();
