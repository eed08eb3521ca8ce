/*
 * Card collection on /abonnement/ with Stripe.js (loaded from settings.STRIPE_JS_URL).
 *
 * For each form marked [data-card-form]: mount a card Element; on submit, ask our server for a
 * SetupIntent (POST intentUrl, CSRF token from the form), confirm it with confirmCardSetup, put
 * the SetupIntent id in the hidden `setup_intent` field and submit the form for real. The card
 * number goes from the browser to Stripe only; our server sees ids.
 */
(function () {
  "use strict";
  var configElement = document.getElementById("billing-config");
  if (!configElement || typeof Stripe === "undefined") {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var stripe = Stripe(config.publishableKey, { locale: document.documentElement.lang || "fr" });

  function showError(form, message) {
    var box = form.querySelector("[data-card-errors]");
    if (box) {
      box.textContent = message || config.genericError;
    }
  }

  document.querySelectorAll("[data-card-form]").forEach(function (form) {
    var card = stripe.elements().create("card", { hidePostalCode: false });
    card.mount(form.querySelector("[data-card-element]"));
    var button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      showError(form, "");
      if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
      try {
        var response = await fetch(config.intentUrl, {
          method: "POST",
          headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
          credentials: "same-origin",
        });
        var body = await response.json().catch(function () { return {}; });
        if (!response.ok || !body.client_secret) {
          throw new Error(body.error || config.genericError);
        }
        var result = await stripe.confirmCardSetup(body.client_secret, {
          payment_method: { card: card, billing_details: { name: config.organisationName } },
        });
        if (result.error) {
          throw new Error(result.error.message || config.genericError);
        }
        form.querySelector("[name=setup_intent]").value = result.setupIntent.id;
        form.submit();
      } catch (error) {
        showError(form, error && error.message);
        if (button) { button.disabled = false; button.removeAttribute("aria-busy"); }
      }
    });
  });
})();
