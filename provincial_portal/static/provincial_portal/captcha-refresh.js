/* "Lấy mã xác thực khác": ask django-simple-captcha for a new key and image, keep the page. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-captcha-refresh]");
  if (!button) { return; }
  var box = button.closest("[data-captcha]");
  button.disabled = true;
  fetch(button.getAttribute("data-captcha-refresh"), {
    headers: {"X-Requested-With": "XMLHttpRequest"},
    credentials: "same-origin"
  }).then(function (response) {
    if (!response.ok) { throw new Error("captcha refresh: HTTP " + response.status); }
    return response.json();
  }).then(function (data) {
    box.querySelector("img.captcha").src = data.image_url;
    box.querySelector("input[type=hidden]").value = data.key;
    var audio = box.querySelector("[data-captcha-audio]");
    if (audio && data.audio_url) { audio.href = data.audio_url; }
    var answer = box.querySelector("input[type=text]");
    answer.value = "";
    answer.focus();
  }).catch(function (error) {
    console.error(error);
  }).finally(function () {
    button.disabled = false;
  });
});
