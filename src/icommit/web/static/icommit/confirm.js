// Ask before a destructive action. A form marked data-confirm="<dialog id>" opens that native
// <dialog> instead of going to the confirmation page; the dialog says what will happen, its
// Cancel closes it (Escape too) and focus goes back to the button that opened it. Without
// JavaScript (or without <dialog>) the form opens the confirmation page, which asks the same.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
      return;
    }
    var dialog = document.getElementById(form.getAttribute("data-confirm"));
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    event.preventDefault();
    var opener = event.submitter || form.querySelector("button");
    dialog.addEventListener(
      "close",
      function () {
        if (opener && document.contains(opener)) {
          opener.focus();
        }
      },
      { once: true }
    );
    dialog.showModal();
  });

  // the dialog's own form posts once: a double click on its button sends one request
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var dialog = form instanceof HTMLFormElement ? form.closest("dialog.confirm-dialog") : null;
    if (!dialog || (event.submitter && event.submitter.getAttribute("formmethod") === "dialog")) {
      return;
    }
    if (form.hasAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "");
  });

  // back from the next page (browser cache): the dialogs can be used again
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("dialog.confirm-dialog form[data-sent]").forEach(function (form) {
        form.removeAttribute("data-sent");
      });
    }
  });

  // a click on the backdrop (outside the dialog's box) cancels, as Escape does
  document.addEventListener("click", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement) || !dialog.classList.contains("confirm-dialog")) {
      return;
    }
    var box = dialog.getBoundingClientRect();
    var inside =
      event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) {
      dialog.close();
    }
  });
})();
