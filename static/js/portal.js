// Portal behaviour, loaded as a file (the CSP allows no inline scripts).
(function () {
  "use strict";
  // Forms that must confirm (deactivate, close a record): data-confirm="question"
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Let htmx send Django's CSRF token.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
