/* GOV.UK error summary: after a failed submit, focus the summary; its links focus their field. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-error-link]");
  if (!link) { return; }
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) { return; }
  event.preventDefault();
  var label = document.querySelector("label[for='" + field.id + "']");
  (label || field).scrollIntoView();
  field.focus();
});
