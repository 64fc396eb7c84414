// Passkeys: the WebAuthn ceremony only. Everything else on these pages works without JavaScript.
(function () {
  "use strict";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error((data.error && data.error.message) || "refused"); }
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBuffer(item.id), transports: item.transports };
    });
  }

  function showError(box, message) {
    var error = box.querySelector("[data-passkey-error]");
    if (message) { error.textContent = message; }
    error.hidden = false;
  }

  function register(box) {
    var name = box.querySelector("[data-passkey-name]").value;
    var csrf = box.getAttribute("data-csrf");
    post(box.getAttribute("data-options-url"), csrf).then(function (options) {
      options.challenge = toBuffer(options.challenge);
      options.user.id = toBuffer(options.user.id);
      options.excludeCredentials = descriptors(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      return post(box.getAttribute("data-verify-url"), csrf, {
        name: name,
        credential: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toBase64url(credential.response.clientDataJSON),
            attestationObject: toBase64url(credential.response.attestationObject),
            transports: credential.response.getTransports ? credential.response.getTransports() : []
          },
          clientExtensionResults: {}
        }
      });
    }).then(function () {
      window.location.reload();
    }).catch(function (error) { showError(box, error && error.message); });
  }

  function signIn(box) {
    var csrf = box.getAttribute("data-csrf");
    post(box.getAttribute("data-options-url"), csrf).then(function (options) {
      options.challenge = toBuffer(options.challenge);
      options.allowCredentials = descriptors(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return post(box.getAttribute("data-verify-url"), csrf, {
        credential: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toBase64url(response.clientDataJSON),
            authenticatorData: toBase64url(response.authenticatorData),
            signature: toBase64url(response.signature),
            userHandle: response.userHandle ? toBase64url(response.userHandle) : null
          },
          clientExtensionResults: {}
        }
      });
    }).then(function (data) {
      window.location.assign(data.redirect);
    }).catch(function (error) { showError(box, error && error.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.PublicKeyCredential) { return; }
    document.querySelectorAll("[data-passkey-register]").forEach(function (box) {
      box.hidden = false;
      box.querySelector("[data-passkey-button]").addEventListener("click", function () { register(box); });
    });
    document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) {
      box.hidden = false;
      box.querySelector("[data-passkey-button]").addEventListener("click", function () { signIn(box); });
    });
  });
})();
