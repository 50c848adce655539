/* The VNeID login page: show/hide the password, and wait for the QR code's approval. */
(function () {
  var button = document.getElementById("vneid-toggle-password");
  var input = button.closest(".input-group").querySelector("input");
  button.addEventListener("click", function () {
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", show ? "true" : "false");
    button.setAttribute("aria-label", show ? "Ẩn mật khẩu" : "Hiện mật khẩu");
  });
})();
(function () {
  var box = document.getElementById("vneid-qr");
  var message = document.getElementById("vneid-qr-message");
  var deadline = Date.now() + 1000 * Number(box.dataset.lifetime);
  function stop(text) {
    message.textContent = text;
    message.classList.remove("d-none");
    document.getElementById("vneid-qr-image").classList.add("opacity-25");
  }
  function poll() {
    var body = new URLSearchParams({ticket: box.dataset.ticket});
    fetch(box.dataset.statusUrl, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "approved") {
          document.getElementById("vneid-qr-continue").submit();
        } else if (data.status === "pending") {
          setTimeout(poll, Date.now() < deadline ? 1500 : 0);
        } else {
          stop(data.message);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1500);
})();
