// BankID login: poll the server once a second for the status and the next QR code.
// The QR code is computed on the server (the secret never reaches the browser);
// without JavaScript the page's "Update" button does the same by hand.
(function () {
  "use strict";
  var root = document.getElementById("bankid");
  if (!root || !root.dataset.statusUrl) { return; }
  var statusUrl = root.dataset.statusUrl;
  var qrUrl = root.dataset.qrUrl;
  var message = document.getElementById("bankid-message");
  var error = document.getElementById("bankid-error");
  var qr = document.getElementById("bankid-qr");
  var refresh = document.getElementById("bankid-refresh");
  var retry = document.getElementById("bankid-retry");
  var autostartLink = document.getElementById("bankid-autostart");
  var token = refresh.querySelector("input[name=csrfmiddlewaretoken]").value;
  var autostart = false;
  var stopped = false;
  var tick = 0;

  refresh.hidden = true;
  root.classList.add("bankid-live");
  autostartLink.addEventListener("click", function () { autostart = true; });

  function show(text) { if (message.textContent !== text) { message.textContent = text; } }

  function stop(text) {
    stopped = true;
    qr.parentNode.hidden = true;
    autostartLink.hidden = true;
    document.getElementById("bankid-steps").hidden = true;
    message.hidden = true;
    error.textContent = text;
    error.hidden = false;
    retry.hidden = false;
  }

  function poll() {
    if (stopped) { return; }
    var body = new URLSearchParams({ autostart: autostart ? "1" : "0" });
    fetch(statusUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      body: body
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      if (data.status === "complete") {
        stopped = true;
        window.location.assign(data.redirect);
        return;
      }
      if (data.status === "failed") { stop(data.message); return; }
      show(data.message);
      tick += 1;
      qr.src = qrUrl + "?t=" + tick;
      qr.dataset.qr = data.qr;
      window.setTimeout(poll, 1000);
    }).catch(function () {
      // A dropped request is not the end of the order: try again shortly.
      window.setTimeout(poll, 2000);
    });
  }
  window.setTimeout(poll, 1000);
}());
