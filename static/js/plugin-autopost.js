// The signing plugin hands its result back to the site that asked, as real plugins do.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autopost]");
  if (form) {
    form.submit();
  }
})();
