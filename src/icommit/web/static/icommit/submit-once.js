// Send a form once. A form marked data-submit-once disables its buttons when it is submitted,
// shows on the clicked button that it is working (data-busy-label), and cancels the htmx
// requests of the same form (an autosave) from then on, so a double click or a late autosave
// cannot race the submission. Without JavaScript the form still posts normally.
(function () {
  "use strict";

  function submitting(form) {
    return form && form.hasAttribute("data-submitting");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (submitting(form)) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    form.setAttribute("aria-busy", "true");
    var clicked = event.submitter;
    // a disabled button's name and value are not sent, so carry them in a hidden field
    if (clicked && clicked.name) {
      var carried = document.createElement("input");
      carried.setAttribute("data-carried", "");
      carried.type = "hidden";
      carried.name = clicked.name;
      carried.value = clicked.value;
      form.appendChild(carried);
    }
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    if (clicked && clicked.dataset.busyLabel) {
      clicked.dataset.idleLabel = clicked.textContent;
      clicked.textContent = clicked.dataset.busyLabel;
    }
    if (window.htmx) {
      window.htmx.trigger(form, "htmx:abort");
    }
  });

  // no autosave once the form is being submitted
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[data-submit-once]") : null;
    if (submitting(form)) {
      event.preventDefault();
    }
  });

  // back from the next page (browser cache): the form can be used again
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
      form.querySelectorAll("input[data-carried]").forEach(function (input) {
        input.remove();
      });
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        button.disabled = false;
        if (button.dataset.idleLabel) {
          button.textContent = button.dataset.idleLabel;
        }
      });
    });
  });
})();
