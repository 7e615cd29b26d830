// SAML HTTP-POST binding (Bindings §3.5.4): post the form to the service provider
// without a click. Without JavaScript the visible Continue button does the same.
document.querySelectorAll("form[data-saml-autosubmit]").forEach(function (form) {
  form.submit();
});
