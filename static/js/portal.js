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

  // A table wider than the screen scrolls sideways: a keyboard must be able to reach and
  // scroll it too, so it takes focus while (and only while) it scrolls (WCAG 2.1.1).
  function scrollablesFocusable() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(scrollablesFocusable, 100);
  });
  document.body.addEventListener("htmx:afterSettle", scrollablesFocusable);
  scrollablesFocusable();

  // On a phone a list's filters fold behind one "Filter" button (includes/filter_form.html).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-filters-toggle]");
    if (!toggle) { return; }
    var form = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = form.classList.toggle("filters-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
