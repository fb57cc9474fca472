// The idle warning for signed-in pages. Without JavaScript the session still ends after 30
// idle minutes and a form sent after that is carried through sign-in, so nothing typed is lost.
(function () {
  "use strict";
  var root = document.querySelector("[data-keep-alive-url]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-keep-alive-url");
  var warnAfter = parseInt(root.getAttribute("data-warn-after"), 10) * 1000;
  var limit = parseInt(root.getAttribute("data-idle-limit"), 10) * 1000;
  var token = document.getElementById("pdp-csrf").value;
  var lastServerContact = Date.now();
  var typedSince = false;
  var warning = null;
  var timer = null;

  function keepAlive() {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).then(function (response) {
      if (response.status === 204) {
        lastServerContact = Date.now();
        typedSince = false;
        hideWarning();
        schedule();
      }
    });
  }

  function hideWarning() {
    if (warning) {
      warning.remove();
      warning = null;
    }
  }

  function showWarning() {
    if (typedSince) {
      keepAlive(); // someone is writing: keep their session without interrupting them
      return;
    }
    if (warning) return;
    var minutes = Math.max(1, Math.round((limit - (Date.now() - lastServerContact)) / 60000));
    warning = document.createElement("div");
    warning.className = "session-warning";
    warning.setAttribute("role", "alertdialog");
    warning.setAttribute("aria-labelledby", "session-warning-text");
    var text = document.createElement("p");
    text.id = "session-warning-text";
    text.textContent = root.getAttribute("data-warning-text").replace("%s", minutes);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = root.getAttribute("data-stay-text");
    button.addEventListener("click", keepAlive);
    warning.appendChild(text);
    warning.appendChild(button);
    document.body.appendChild(warning);
    button.focus();
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(showWarning, warnAfter);
  }

  document.addEventListener("input", function () {
    typedSince = true;
  });
  schedule();
})();
