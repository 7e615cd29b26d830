// Passkey sign-in (WebAuthn Level 3): the "Log in with a passkey" button, and
// on the first sign-in page the browser's own autofill of passkeys
// (conditional mediation, WebAuthn L3 §5.1.4 and the "webauthn" autocomplete
// token on the email field), so a person can pick a passkey without typing.
// The challenge comes from allauth's passkey login endpoint (GET with
// Accept: application/json); the signed answer is posted back to it, where
// fido2 checks origin, challenge and user verification.
(function () {
  "use strict";
  var form = document.getElementById("passkey-login");
  if (!form || !window.PublicKeyCredential || !window.webauthnJSON) { return; }
  var button = document.getElementById("passkey-login-button");
  var credential = form.querySelector("input[name=credential]");
  var error = document.getElementById("passkey-error");
  var pending = null; // the autofill request; aborted when the button is used

  function requestOptions() {
    return fetch(form.action, { method: "GET", headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("passkey options " + response.status); }
        return response.json();
      })
      .then(function (data) { return data.request_options; });
  }

  function submit(answer) {
    credential.value = JSON.stringify(answer);
    form.submit();
  }

  function fail(e) {
    if (e && e.name === "AbortError") { return; }
    if (error) { error.hidden = false; }
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (pending) { pending.abort(); pending = null; }
    if (error) { error.hidden = true; }
    requestOptions()
      .then(function (options) { return window.webauthnJSON.get(options); })
      .then(submit)
      .catch(fail);
  });

  if (form.dataset.autofill === "true" && typeof PublicKeyCredential.isConditionalMediationAvailable === "function") {
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available) { return null; }
      pending = new AbortController();
      var signal = pending.signal;
      return requestOptions().then(function (options) {
        return window.webauthnJSON.get(Object.assign({}, options, { mediation: "conditional", signal: signal }));
      }).then(submit);
    }).catch(function () {
      // Autofill is an offer, not a request: when the browser has no passkey
      // for Connect, or the person types instead, nothing is shown.
    });
  }
})();
