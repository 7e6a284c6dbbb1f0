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
        // the markup of a field error (templates/_macros/forms.html), in the field's box
        note = document.createElement("p");
        note.id = id;
        note.className = "kern-error";
        note.setAttribute("role", "alert");
        var icon = document.createElement("span");
        icon.className = "kern-icon kern-icon--danger kern-icon--small";
        icon.setAttribute("aria-hidden", "true");
        var text = document.createElement("span");
        text.className = "kern-body";
        note.appendChild(icon);
        note.appendChild(text);
        input.insertAdjacentElement("beforebegin", note);
      }
      note.lastChild.textContent = input.getAttribute("data-too-large");
      var box = input.closest(".kern-form-input");
      if (box) { box.classList.add("kern-form-input--error"); }
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      return true;
    }
    if (note) {
      note.remove();
      input.removeAttribute("aria-invalid");
      var field = input.closest(".kern-form-input");
      if (field) { field.classList.remove("kern-form-input--error"); }
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
