/* The desk's small helpers, no library: add petitioner rows, show earlier cases of the person
   being typed in, show the new-visit fields only when they apply, print the receipt. */
(function () {
  "use strict";

  var printButton = document.getElementById("print");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }

  var form = document.getElementById("intake");
  if (!form) { return; }

  var people = document.getElementById("people");
  var template = document.getElementById("person-template");
  document.getElementById("add-person").addEventListener("click", function () {
    var index = people.querySelectorAll("fieldset.person").length;
    var html = template.innerHTML.replace(/p-999-/g, "p-" + index + "-").replace(/>1000</, ">" + (index + 1) + "<");
    people.insertAdjacentHTML("beforeend", html);
    var row = people.lastElementChild;
    row.querySelector(".num").textContent = String(index + 1);
    row.querySelector("input").focus();
  });

  var visitChoice = document.getElementById("visit-choice");
  function showVisitFields() {
    var isNew = visitChoice.value === "new";
    form.querySelectorAll(".new-visit").forEach(function (el) { el.hidden = !isNew; });
  }
  visitChoice.addEventListener("change", showVisitFields);
  showVisitFields();

  // Earlier cases of the same person: asked for a moment after the officer stops typing.
  var similar = document.getElementById("similar");
  var url = form.getAttribute("data-similar-url");
  var timer = null;
  var asked = "";
  function lookup(input) {
    var row = input.closest("fieldset.person");
    var params = new URLSearchParams();
    if (row) {
      row.querySelectorAll("[data-similar]").forEach(function (el) {
        if (el.value.trim()) { params.set(el.getAttribute("data-similar"), el.value.trim()); }
      });
    }
    var subject = form.querySelector("[name=subject]").value.trim();
    if (subject) { params.set("subject", subject); }
    var query = params.toString();
    if (query === asked) { return; }
    asked = query;
    fetch(url + "?" + query, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : ""; })
      .then(function (html) { if (asked === query) { similar.innerHTML = html.trim(); } })
      .catch(function () { /* the warning is a help, never a blocker */ });
  }
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-similar")) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { lookup(input); }, 300);
  });
})();
