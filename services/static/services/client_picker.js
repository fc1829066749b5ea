// Client picker (services): ticking a search result moves it into the picked list, so a
// new search never loses the clients already picked for this outing.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    var result = input.closest(".client-result");
    if (!result || !input.checked) { return; }
    var picker = result.closest(".client-picker");
    var picked = picker.querySelector(".picked");
    if (picker.getAttribute("data-multiple") !== "1") {
      picked.innerHTML = "";
    }
    if (picked.querySelector('input[value="' + input.value + '"]')) { result.remove(); return; }
    var label = document.createElement("label");
    label.className = "btn btn-sm btn-outline-primary active picked-client";
    input.className = "form-check-input me-1";
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + input.getAttribute("data-name")));
    picked.appendChild(label);
    result.remove();
    var search = picker.querySelector(".client-search");
    search.value = "";
    search.focus();
  });
  // A picked client un-ticked is dropped from the list.
  document.addEventListener("change", function (event) {
    var label = event.target.closest(".picked-client");
    if (label && !event.target.checked) { label.remove(); }
  });
  // Enter in the search box must not submit the whole form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("client-search")) {
      event.preventDefault();
    }
  });
})();
