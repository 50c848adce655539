// Front-channel logout: load every client's logout page in a hidden iframe, then (when all
// have loaded, or after a few seconds, whichever comes first) continue to the address the
// service asked to return to. Without JavaScript the page's <noscript> iframes load instead
// and the citizen follows the visible link.
(function () {
  "use strict";
  var holder = document.querySelector("[data-testid='vneid-frontchannel']");
  var data = document.getElementById("vneid-frontchannel-urls");
  if (!holder || !data) {
    return;
  }
  var urls = JSON.parse(data.textContent);
  var returnUrl = holder.getAttribute("data-return-url");
  var status = document.querySelector("[data-testid='vneid-frontchannel-status']");
  var waiting = urls.length;
  var done = false;

  function finish() {
    if (done) {
      return;
    }
    done = true;
    if (status) {
      status.textContent = "Đã đăng xuất khỏi các dịch vụ khác.";
    }
    if (returnUrl) {
      window.location.replace(returnUrl);
    }
  }

  urls.forEach(function (url, index) {
    var frame = document.createElement("iframe");
    frame.title = "Đăng xuất khỏi dịch vụ " + (index + 1);
    frame.width = "0";
    frame.height = "0";
    frame.tabIndex = -1;
    // Listening before the address is set: no load can be missed.
    frame.addEventListener("load", function () {
      waiting -= 1;
      if (waiting <= 0) {
        finish();
      }
    });
    frame.src = url;
    holder.appendChild(frame);
  });
  // A client that never answers must not keep the citizen here.
  window.setTimeout(finish, 5000);
})();
