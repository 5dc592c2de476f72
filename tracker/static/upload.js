// The case page's upload: a file dropped on the drop zone goes into the form's file input and the
// form is sent; without JavaScript the plain file input and button do the same.
(function () {
  "use strict";
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("upload-file");
  var form = document.getElementById("upload");
  if (!zone || !input || !form) { return; }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
    input.files = event.dataTransfer.files;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
