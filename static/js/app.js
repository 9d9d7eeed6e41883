// Small behaviours of the shell. Every page works without this file.
(function () {
  "use strict";

  // Menus are <details> elements: close the open ones on an outside click or Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.menu"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closeMenus(null);
    }
  });

  // Dialogs and side panels: <a href="?panel=x" data-open-dialog="x"> opens <dialog id="x">
  // without a page load; the link still works without JavaScript.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog && dialog.showModal) {
        event.preventDefault();
        closeMenus(null);
        if (!dialog.open) { dialog.showModal(); }
      }
      return;
    }
    var closer = event.target.closest("[data-close-dialog]");
    var open = closer && closer.closest("dialog[open]");
    if (open) {
      event.preventDefault();
      open.close();
    }
  });

  // <select data-autosubmit> sends its form as soon as a choice is made.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-autosubmit]");
    if (select && select.form) {
      select.form.requestSubmit();
    }
  });

  // Buttons that ask first: <button data-confirm="Delete this contact?">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-copy="id" hidden> copies that field's text (shown only where this file
  // runs: without it, the field stays selectable by hand).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    var field = button && document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var done = function () {
      button.textContent = button.getAttribute("data-copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      if (document.execCommand("copy")) {
        done();
      }
    }
  });

  // A refused input (400, 422) comes back as the form with its message: show it in place,
  // as a full page would, instead of htmx's default of dropping error responses.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
