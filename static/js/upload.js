// A file beyond the size a form takes is named at its field before anything is sent, so
// nothing typed is lost to an answer "too large" (the server checks again).
(function () {
  "use strict";
  function tooLarge(input) {
    var max = Number(input.getAttribute("data-max-bytes"));
    return input.files && input.files.length && input.files[0].size > max;
  }
  function mark(input) {
    var id = input.id + "-size-error";
    var note = document.getElementById(id);
    if (tooLarge(input)) {
      if (!note) {
        note = document.createElement("p");
        note.id = id;
        note.className = "kern-error";
        note.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", note);
      }
      note.textContent = input.getAttribute("data-too-large");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      return true;
    }
    if (note) {
      note.remove();
      input.removeAttribute("aria-invalid");
    }
    return false;
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { mark(input); });
    input.form.addEventListener("submit", function (event) {
      if (mark(input)) {
        event.preventDefault();
        input.focus();
      }
    });
  });
})();
